"""Specialization on the caller's arguments (adgen/like.py): ``like`` acts exactly as
the declarations it stands for, and the code compiled for it checks its arguments."""

from __future__ import annotations

import re
from pathlib import Path

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from adgen.cli import main
from adgen.errors import SourceFile, UsageError
from adgen.like import like_of, parse_like
from adgen.pipeline import compile_source
from adgen.testing import check_grads

ROOT = Path(__file__).resolve().parents[1]
LECTURE = (ROOT / "examples" / "unannotated" / "lecture.py").read_text()
LAB = (ROOT / "examples" / "unannotated" / "lab_net.py").read_text()
LAB_LIKE = {
    "X": (441, 2),
    "T": (441, 1),
    "W1": (2, 3),
    "b1": (3,),
    "W2": (3, 1),
    "b2": (1,),
}


def _load(code: str) -> dict:
    namespace: dict = {}
    exec(compile(code, "generated.py", "exec"), namespace)
    return namespace


def _functions(code: str) -> dict[str, str]:
    """Each emitted function's text, without its entry check (which makes lists
    arrays, as ``sequences_as_arrays`` does without it) and docstring."""
    code = re.sub(r"\n    \S.* = like_checked\(\n(?:        .*\n)*    \)", "", code)
    code = re.sub(r"\n    \S.* = sequences_as_arrays\(.*\)", "", code)
    code = re.sub(r'\n    """.*?"""', "", code, flags=re.S)
    parts = code.split("\ndef ")[1:]
    return {p.split("(")[0]: p for p in parts}


def test_floats_give_the_annotated_lectures_code():
    """``like={"x1": 2.0, "x2": 5.0}`` is ``x1: float, x2: float``: the float path."""
    annotated = LECTURE.replace("def f(x1, x2):", "def f(x1: float, x2: float):")
    want = _functions(compile_source(SourceFile("lecture.py", annotated)))
    code = compile_source(
        SourceFile("lecture.py", LECTURE), like={"x1": 2.0, "x2": 5.0}
    )
    assert _functions(code) == want
    assert "x2_bar = x1 - math.cos(x2)" in code and "unbroadcast" not in code


def test_shapes_give_the_annotated_networks_code():
    """Shape tuples are ``@shapes(...)``: ``X.T @ g``, ``g.sum(axis=0)``."""
    decl = ", ".join(f'{k}="{" ".join(map(str, v))}"' for k, v in LAB_LIKE.items())
    annotated = LAB.replace(
        '@wrt("W1", "b1", "W2", "b2")',
        f'@wrt("W1", "b1", "W2", "b2")\n@shapes({decl})',
    ).replace("from adgen import wrt", "from adgen import shapes, wrt")
    want = _functions(compile_source(SourceFile("lab_net.py", annotated)))
    code = compile_source(SourceFile("lab_net.py", LAB), like=LAB_LIKE)
    assert _functions(code) == want
    assert "W1_bar = X.T @ n8_bar" in code and "b1_bar = n8_bar.sum(axis=0)" in code
    assert "n13_bar = 1.0 / 441" in code  # the mean's np.size(n12), known
    assert "unbroadcast" not in code


def test_like_overrides_a_declaration_and_arrays_stand_for_their_shapes():
    source = 'from adgen import shapes\n\n@shapes(x="n 3")\ndef f(x, y: float):\n    return (x * y).sum()\n'
    code = compile_source(
        SourceFile("m.py", source), like={"x": np.zeros((2, 4)), "y": np.float32(1)}
    )
    assert "((2, 4), ())" in code  # y: a numpy scalar, "()"
    m = _load(code)
    x = np.arange(8.0).reshape(2, 4)
    check_grads(lambda x, y: np.sum(x * y), [x, np.float32(1.5)], [0, 1], m["grad_f"])


def test_specialized_gradients_match_finite_differences():
    m = _load(compile_source(SourceFile("lab_net.py", LAB), like=LAB_LIKE))
    rng = np.random.default_rng(0)
    args = [rng.standard_normal(s) for s in LAB_LIKE.values()]

    def loss(X, T, W1, b1, W2, b2):
        H = np.maximum(X @ W1 + b1, 0)
        return np.mean((H @ W2 + b2 - T) ** 2)

    check_grads(loss, args, [2, 3, 4, 5], m["grad_loss"])
    lecture = _load(
        compile_source(SourceFile("lecture.py", LECTURE), like={"x1": 2.0, "x2": 5.0})
    )
    check_grads(
        lambda a, b: np.log(a) + a * b - np.sin(b),
        [2.0, 5.0],
        [0, 1],
        lecture["grad_f"],
    )


def test_other_arguments_are_refused_not_differentiated_wrongly():
    lecture = _load(
        compile_source(SourceFile("lecture.py", LECTURE), like={"x1": 2.0, "x2": 5.0})
    )
    with pytest.raises(
        ValueError, match="x2 is a ndarray of shape \\(3,\\), not a Python float"
    ):
        lecture["grad_f"](
            2.0, np.array([1.0, 2.0, 3.0])
        )  # math raises; forward_f checks
    with pytest.raises(ValueError, match="compiled for x1=float,x2=float"):
        lecture["forward_f"](np.float32(2.0), 5.0)
    lab = _load(compile_source(SourceFile("lab_net.py", LAB), like=LAB_LIKE))
    rng = np.random.default_rng(1)
    args = [rng.standard_normal(s) for s in LAB_LIKE.values()]
    args[5] = args[5].reshape(1, 1)  # b2 of shape (1, 1): the sum would be wrong
    for name in ("grad_loss", "value_and_grad_loss", "forward_loss"):
        with pytest.raises(ValueError, match="b2 is a ndarray of shape \\(1, 1\\)"):
            lab[name](*args)


def test_the_check_reads_lists_as_arrays_and_numbers_apart():
    """The entry check takes over the list conversion: a nested list of the
    declared shape is the array numpy makes of it (``W + W`` adds, not joins);
    numbers are checked in one call of their own, and a bool is not a number."""
    source = (
        "import numpy as np\n\ndef f(W, b, s, n):\n"
        "    return np.sum((W + W) @ b) * s + n\n"
    )
    like = {"W": (2, 2), "b": (2,), "s": 2.0, "n": 3.0}
    code = compile_source(SourceFile("mixed.py", source), like=like)
    assert code.count("like_checked(") == 6  # arrays, numbers: in each entry function
    assert '"float",\n        "s n",' in code
    m = _load(code)
    W, b = [[1.0, 2.0], [3.0, 4.0]], [0.5, -1.0]
    expected = autograd.grad(lambda W, b, s: anp.sum((W + W) @ b) * s + 3.0, (0, 1, 2))(
        np.array(W), np.array(b), 2.0
    )
    got = m["grad_f"](W, b, 2.0, 3)
    for g, e in zip(got, expected, strict=False):
        np.testing.assert_allclose(g, e, rtol=1e-14)
    with pytest.raises(ValueError, match="s is a bool, not a Python float"):
        m["grad_f"](W, b, True, 3.0)
    with pytest.raises(ValueError, match="b is a list of shape \\(3,\\)"):
        m["grad_f"](W, [1.0, 2.0, 3.0], 2.0, 3.0)


def test_symbolic_sizes_must_agree():
    like = dict(LAB_LIKE, X=("n", 2), T=("n", 1))
    lab = _load(compile_source(SourceFile("lab_net.py", LAB), like=like))
    rng = np.random.default_rng(2)
    args = [rng.standard_normal(s) for s in LAB_LIKE.values()]
    assert len(lab["grad_loss"](*args)) == 4
    args[1] = args[1][:7]
    with pytest.raises(ValueError, match="T is a ndarray of shape \\(7, 1\\)"):
        lab["grad_loss"](*args)


def test_parse_like_reads_the_command_lines_spelling():
    assert parse_like("x1=2.0,x2=float, n=3,m=int") == {
        "x1": 2.0,
        "x2": float,
        "n": 3,
        "m": int,
    }
    assert parse_like("X=f64[441,2],W=f32[n, 3],s=f64[],b=[3]") == {
        "X": (441, 2),
        "W": ("n", 3),
        "s": (),
        "b": (3,),
    }
    for bad in ("x1", "x1=", "X=f64[441,2", "X=[2.5]", "1x=2.0", "x=hello"):
        with pytest.raises(UsageError):
            parse_like(bad)


def test_like_of_maps_arguments_to_like_values():
    assert like_of(2.0) is float and like_of(3) is int
    assert like_of(np.zeros((4, 2), np.float32)) == (4, 2)
    assert like_of(np.float64(1.0)) == () and like_of(np.float32(1.0)) == ()
    assert like_of([1.0, 2.0]) is None and like_of(True) is None


def test_unknown_parameter_is_a_located_error():
    with pytest.raises(UsageError, match="no parameter named 'x3'"):
        compile_source(SourceFile("lecture.py", LECTURE), like={"x3": 1.0})


def test_cli_like_writes_a_file_its_header_regenerates(tmp_path, capsys):
    model = tmp_path / "lecture.py"
    model.write_text(LECTURE)
    out = tmp_path / "out"
    args = [str(model), "-o", str(out), "--like", "x1=2.0,x2=5.0"]
    assert main(["compile", *args]) == 0
    text = (out / "lecture_grad.py").read_text()
    assert "--like 'x1=2.0,x2=5.0'" in text and "math.cos(x2)" in text
    assert main(["compile", "--check", *args]) == 0
    assert main(["compile", str(model), "-o", str(out), "--like", "x1=[2"]) == 2
    assert "cannot read" in capsys.readouterr().err
