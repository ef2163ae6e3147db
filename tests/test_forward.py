"""Forward mode (jvp) against central finite differences, for every rule and construct.

Every test of ``tests/test_rules.py`` runs here a second time with forward mode
in place of reverse mode, on the same models (``tests/rules_models/``) and the
same inputs:

* ``check_vjp`` (array outputs) becomes ``check_jvp``: ``adgen.jvp`` along
  random tangents must equal the central difference of ``f`` along them;
* ``check_grads`` (scalar outputs) checks ``adgen.grad(f, mode="forward")``
  (one jvp per input entry) against finite differences, and against the
  reverse-mode gradient;
* ``adgen.grad`` in the kink and float32 tests becomes the forward-mode
  gradient, checked against the same closed forms.

Then: the golden ``jvp_f`` of the lecture function, activity, the CLI's
``--mode``, the API's argument handling and ``adgen.jacobian``.
"""

from __future__ import annotations

import functools
import types

import numpy as np
import pytest
import test_rules
from conftest import EXAMPLES

import adgen
from adgen import testing
from adgen.cli import main
from adgen.errors import SourceFile
from adgen.pipeline import compile_source
from adgen.primitives import PRIMITIVES


def directional_fd(f, args, argnums, tangents, eps=1e-6):
    """Central difference of ``f`` along ``tangents`` in the arguments ``argnums``."""

    def at(step):
        moved = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        for k, t in zip(argnums, tangents, strict=True):
            x = np.asarray(args[k], dtype=np.float64)
            moved[k] = x + step * t if x.ndim else float(x + step * t)
        return np.asarray(f(*moved), dtype=np.float64)

    return (at(eps) - at(-eps)) / (2 * eps)


def random_tangents(args, argnums, seed):
    rng = np.random.default_rng(seed + 2000)
    return [
        (
            rng.standard_normal(np.shape(args[k]))
            if np.ndim(args[k])
            else float(rng.standard_normal())
        )
        for k in argnums
    ]


def check_jvp(f, args, argnums, seed=0, rtol=1e-5, atol=1e-7):
    """adgen's forward mode along random tangents vs the central difference along them."""
    argnums = tuple(argnums)
    tangents = random_tangents(args, argnums, seed)
    out, out_dot = adgen.jvp(f, wrt=argnums)(*args, *tangents)
    np.testing.assert_allclose(
        out, f(*args), rtol=1e-12, atol=1e-12, err_msg="primal value"
    )
    assert np.shape(out_dot) == np.shape(
        out
    ), f"tangent shape {np.shape(out_dot)} != {np.shape(out)}"
    expected = directional_fd(f, args, argnums, tangents)
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(
        np.asarray(out_dot, dtype=np.float64), expected, rtol=rtol, atol=atol * scale
    )


def check_forward_grads(f, args, wrt=0, **options):
    """The forward-mode gradient vs finite differences, and vs the reverse-mode gradient."""
    forward = adgen.grad(f, wrt, mode="forward")
    testing.check_grads(f, args, wrt, grad_fn=forward, **options)
    got, reverse = forward(*args), adgen.grad(f, wrt)(*args)
    pairs = [(got, reverse)] if isinstance(wrt, int) else zip(got, reverse, strict=True)
    for g, r in pairs:
        np.testing.assert_allclose(
            g, r, rtol=1e-9, atol=1e-12, err_msg="forward != reverse"
        )


FORWARD_ADGEN = types.SimpleNamespace(
    grad=functools.partial(adgen.grad, mode="forward"), vjp=adgen.vjp
)


def in_forward_mode(test):
    """``test`` from test_rules.py, run with forward mode in place of reverse mode."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        saved = test_rules.check_vjp, test_rules.check_grads, test_rules.adgen
        test_rules.check_vjp, test_rules.check_grads = check_jvp, check_forward_grads
        test_rules.adgen = FORWARD_ADGEN
        try:
            test(*args, **kwargs)
        finally:
            test_rules.check_vjp, test_rules.check_grads, test_rules.adgen = saved

    return run


for _name, _test in list(vars(test_rules).items()):
    if _name.startswith("test_") and callable(_test):
        globals()[f"{_name}_forward"] = in_forward_mode(_test)


def test_every_rules_test_runs_in_forward_mode():
    names = [n for n in vars(test_rules) if n.startswith("test_")]
    assert len(names) > 40
    assert all(f"{n}_forward" in globals() for n in names)


def test_every_rule_has_a_tangent():
    """Each differentiable primitive is elementwise, linear or a reduction: forward.py
    derives its tangent from its VJP partials (test_forward_mode_of_every_rule checks
    them).  ``custom`` carries the user's own rule (tests/test_custom_rules.py); a
    record with ``tangent="jvp"`` its own tangent partials, and softmax's VJP
    partial is its tangent (a symmetric Jacobian; tests/test_added_functions.py)."""
    for name, prim in PRIMITIVES.items():
        if prim.differentiable and name != "custom":
            if prim.tangent == "jvp":
                assert prim.jvp is not None and len(prim.jvp) == len(prim.vjp), name
                continue
            assert (
                prim.tangent in ("linear", "reduction")
                or prim.elementwise
                or name == "softmax"
            ), name


# =============================================================================
# The emitted code
# =============================================================================
LECTURE = (EXAMPLES / "lecture.py").read_text()

GOLDEN_JVP_F = '''def jvp_f(x1, x2, x1_dot, x2_dot):
    """Forward mode of `f` (lecture.py): its value, and its derivative along x1_dot, x2_dot."""
    # return x1 * x2 + np.sin(x1)
    n3 = x1 * x2
    n3_dot = x1_dot * x2 + x2_dot * x1
    n4 = np.sin(x1)
    n4_dot = x1_dot * np.cos(x1)
    n5 = n3 + n4
    n5_dot = n3_dot + n4_dot
    return n5, n5_dot
'''


def test_golden_jvp_of_the_lecture_function():
    code = compile_source(SourceFile("lecture.py", LECTURE), ["f"], mode="forward")
    assert GOLDEN_JVP_F in code
    assert "def forward_f" not in code and "def grad_f" not in code


def test_golden_jvp_values_match_the_lecture(compile_text):
    """ẋ1 = 1, ẋ2 = 0 at (2, 3): ∂f/∂x1 = x2 + cos x1, by hand."""
    module = compile_text(LECTURE, functions=["f"])
    code = compile_source(SourceFile("lecture.py", LECTURE), ["f"], mode="forward")
    namespace = {}
    exec(code, namespace)
    out, out_dot = namespace["jvp_f"](2.0, 3.0, 1.0, 0.0)
    assert out == pytest.approx(6 + np.sin(2.0))
    assert out_dot == pytest.approx(3 + np.cos(2.0))
    assert hasattr(module, "grad_f")  # reverse mode is still the default


def test_mode_both_has_every_function():
    code = compile_source(SourceFile("lecture.py", LECTURE), ["f"], mode="both")
    for name in ("forward_f", "backward_f", "grad_f", "jvp_f"):
        assert f"def {name}(" in code


def test_reverse_mode_output_is_unchanged_by_default():
    assert compile_source(SourceFile("lecture.py", LECTURE), ["f"]) == compile_source(
        SourceFile("lecture.py", LECTURE), ["f"], mode="reverse"
    )


ACTIVITY = """
import numpy as np

def loss(w, x, y):
    mask = x > 0
    scale = np.sum(x ** 2)
    z = np.where(mask, w * x, 0.0) / scale
    return np.sum((z - y) ** 2)
"""


def test_only_active_values_get_tangents():
    code = compile_source(SourceFile("m.py", ACTIVITY), wrt=["w"], mode="forward")
    assert "def jvp_loss(w, x, y, w_dot):" in code
    for inactive in ("x_dot", "y_dot", "mask_dot", "scale_dot", "n6_dot"):
        assert inactive not in code, inactive
    assert "z_dot" in code


def test_activity_gives_the_right_tangent():
    namespace = {}
    exec(
        compile_source(SourceFile("m.py", ACTIVITY), wrt=["w"], mode="forward"),
        namespace,
    )
    rng = np.random.default_rng(3)
    w, x, y, v = (rng.standard_normal(5) for _ in range(4))

    def loss(w, x, y):
        z = np.where(x > 0, w * x, 0.0) / np.sum(x**2)
        return np.sum((z - y) ** 2)

    _, dot = namespace["jvp_loss"](w, x, y, v)
    assert dot == pytest.approx(
        float(directional_fd(loss, (w, x, y), (0,), [v])), rel=1e-6
    )


def test_a_tangent_stretched_by_broadcasting_keeps_the_value_shape():
    """jvp of x + c for a scalar x and an array c: the tangent has c's shape, not x's."""
    code = compile_source(
        SourceFile(
            "m.py", "import numpy as np\n\ndef f(x, c):\n    return np.sum(x + c)\n"
        ),
        wrt=["x"],
        mode="forward",
    )
    namespace = {}
    exec(code, namespace)
    _, dot = namespace["jvp_f"](0.5, np.ones((3, 4)), 1.0)
    assert dot == pytest.approx(12.0)  # d/dx of sum over 12 entries of x + c


def test_output_that_does_not_depend_on_wrt_has_zero_tangent():
    source = "import numpy as np\n\ndef f(x, y):\n    return np.sin(y)\n"
    namespace = {}
    exec(
        compile_source(SourceFile("m.py", source), wrt=["x"], mode="forward"), namespace
    )
    assert namespace["jvp_f"](1.0, np.array([1.0, 2.0]), 1.0)[1].tolist() == [0.0, 0.0]


def test_cli_mode_forward(tmp_path, capsys):
    model = tmp_path / "lecture.py"
    model.write_text(LECTURE)
    out = tmp_path / "gen"
    assert main(["compile", "--mode", "forward", str(model), "-o", str(out)]) == 0
    text = (out / "lecture_grad.py").read_text()
    assert "def jvp_f(x1, x2, x1_dot, x2_dot):" in text and "def grad_f" not in text
    assert (
        "--mode forward" in text.splitlines()[1]
    )  # the regenerate command keeps the mode
    assert (
        main(["compile", "--check", "--mode", "forward", str(model), "-o", str(out)])
        == 0
    )
    assert (
        main(["compile", "--check", str(model), "-o", str(out)]) == 1
    )  # reverse mode differs
    capsys.readouterr()


def test_cli_rejects_an_unknown_mode(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["compile", "--mode", "sideways", str(tmp_path / "m.py")])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


# =============================================================================
# The runtime API
# =============================================================================
def lecture_f(x1, x2):
    return x1 * x2 + np.sin(x1)


def vector_f(W, b, x):
    return np.tanh(W @ x + b) * x[:2]


def test_jvp_api_single_and_tuple_wrt():
    out, dot = adgen.jvp(lecture_f)(
        2.0, 3.0, 1.0
    )  # wrt defaults to the first parameter
    assert out == pytest.approx(6 + np.sin(2.0)) and dot == pytest.approx(
        3 + np.cos(2.0)
    )
    _, dot = adgen.jvp(lecture_f, wrt=("x2", "x1"))(2.0, 3.0, 1.0, 0.0)
    assert dot == pytest.approx(2.0)  # along x2 only: ∂f/∂x2 = x1


def test_jvp_api_counts_its_arguments():
    with pytest.raises(
        TypeError, match="2 arguments of `lecture_f` and then 1 tangent"
    ):
        adgen.jvp(lecture_f)(2.0, 3.0)


def test_forward_grad_equals_reverse_grad_and_the_closed_form():
    x1, x2 = 0.7, -1.3
    forward = adgen.grad(lecture_f, wrt=(0, 1), mode="forward")(x1, x2)
    reverse = adgen.grad(lecture_f, wrt=(0, 1))(x1, x2)
    assert forward == pytest.approx((x2 + np.cos(x1), x1), rel=1e-14)
    assert forward == pytest.approx(reverse, rel=1e-14)


def test_grad_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        adgen.grad(lecture_f, mode="sideways")


def test_forward_grad_refuses_a_non_scalar_output():
    rng = np.random.default_rng(4)
    with pytest.raises(adgen.AdgenError, match="not a scalar"):
        adgen.grad(vector_f, mode="forward")(
            rng.standard_normal((2, 3)), np.ones(2), np.ones(3)
        )


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_matches_finite_differences(mode):
    rng = np.random.default_rng(5)
    W, b, x = (
        rng.standard_normal((2, 3)),
        rng.standard_normal(2),
        rng.standard_normal(3),
    )
    jW, jb, jx = adgen.jacobian(vector_f, wrt=(0, 1, 2), mode=mode)(W, b, x)
    assert jW.shape == (2, 2, 3) and jb.shape == (2, 2) and jx.shape == (2, 3)
    for k, block in enumerate((jW, jb, jx)):
        args = [W, b, x]
        for index in np.ndindex(np.shape(args[k])):
            e = np.zeros(np.shape(args[k]))
            e[index] = 1.0
            column = directional_fd(vector_f, args, (k,), [e])
            np.testing.assert_allclose(
                block[(..., *index)], column, rtol=1e-6, atol=1e-8
            )


def test_jacobian_of_a_scalar_function_is_its_gradient():
    """∂f/∂(x1, x2) = (x2 + cos x1, x1), by hand."""
    for mode in ("reverse", "forward"):
        j1, j2 = adgen.jacobian(lecture_f, wrt=(0, 1), mode=mode)(2.0, 3.0)
        assert (j1, j2) == pytest.approx((3 + np.cos(2.0), 2.0), rel=1e-14)


def elementwise_f(x):
    return np.sin(x)


def test_jacobian_of_an_elementwise_function_is_diagonal():
    """d sin(x)/dx = diag(cos x), by hand; one wrt gives one block."""
    x = np.linspace(-1, 1, 4)
    for mode in ("reverse", "forward"):
        np.testing.assert_allclose(
            adgen.jacobian(elementwise_f, mode=mode)(x), np.diag(np.cos(x)), rtol=1e-14
        )
