"""Custom derivative rules (adgen/custom.py): ``@adgen.defvjp`` / ``@adgen.defjvp``.

Every gradient is checked against something independent of adgen: central
finite differences (``adgen.testing``), or a closed form worked by hand where
the rule deliberately differs from the true derivative (a straight-through
estimator, a stopped gradient).  The models are in ``tests/rules_models/custom.py``
or written here into a temporary folder (a rules module next to a model).
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import scipy.special
from rules_models import custom as m

import adgen
from adgen.cli import main
from adgen.custom_discovery import read_rules
from adgen.errors import SourceFile
from adgen.graph import build_graph
from adgen.normalize import normalize
from adgen.parse import parse_module, select_functions
from adgen.pipeline import compile_source, dump, run
from adgen.testing import check_grads, directional_derivative, numerical_grad
from adgen.trace import primal_trace, tangent_trace

RNG = np.random.default_rng(7)


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- a numerically stable formula --------------------------------------------------------


def test_stable_softplus_matches_finite_differences():
    check_grads(m.sp_sum, (RNG.uniform(-3, 3, size=5),))
    check_grads(m.sp_scalar, (0.37,))


def test_stable_softplus_where_the_naive_formula_overflows():
    """At x = ±800, e^x overflows; the rule's sigmoid stays exact: d/dx 2·softplus = 2/(1 + e^-x)."""
    with np.errstate(over="ignore"):
        assert np.isinf(
            np.log(1.0 + np.exp(800.0))
        )  # what differentiating the naive formula meets
    value, slope = adgen.value_and_grad(m.sp_scalar)(800.0)
    assert value == pytest.approx(1600.0) and slope == pytest.approx(2.0)
    assert adgen.grad(m.sp_scalar)(-800.0) == pytest.approx(0.0, abs=1e-300)


# --- a straight-through estimator --------------------------------------------------------


def test_straight_through_round_matches_the_hand_worked_closed_form():
    """f = Σ round(w·x_i)·x_i with d round(u)/du := 1: df/dw = Σ x_i², df/dx_i = round(w·x_i) + w·x_i."""
    w, x = 1.37, np.array([0.4, -1.3, 2.2, 0.05])
    dw, dx = adgen.grad(m.ste_model, wrt=(0, 1))(w, x)
    assert dw == pytest.approx(np.sum(x * x))
    np.testing.assert_allclose(dx, np.round(w * x) + w * x)


# --- a black box ---------------------------------------------------------------------------


def test_black_box_matches_finite_differences():
    x, w = RNG.uniform(-1, 2, size=4), RNG.uniform(0.5, 1.5, size=4)
    check_grads(m.bb_model, (x, w), wrt=(0, 1))


def test_black_box_is_copied_into_the_generated_module_and_called():
    code = adgen.source(m.bb_model)
    assert "def scaled_erfc(x):" in code
    assert (
        "y = scipy.special.erfcx(x)" in code
    )  # the import spelled as the module sees it
    assert "for _ in range(2):" in code  # copied as written, not differentiated
    assert "= scaled_erfc(n3)" in code
    assert "2.0 / 1.7724538509055159" in code  # the rule's constant, inlined


def test_a_rule_for_a_library_function_extends_the_table():
    check_grads(m.lib_model, (RNG.uniform(-1, 2, size=3),))
    code = adgen.source(m.lib_model)
    assert code.count("scipy.special.erfcx(") >= 2  # both spellings, one primitive


# --- several operands ----------------------------------------------------------------------


def test_tuple_rule_with_broadcasting_operands():
    X, b = RNG.standard_normal((3, 4)), RNG.standard_normal(4)
    check_grads(m.two_model, (X, b), wrt=(0, 1))
    gX, gb = adgen.grad(m.two_model, wrt=(0, 1))(X, b)
    assert gX.shape == X.shape and gb.shape == b.shape


def test_a_rule_may_return_the_operand_shape_itself():
    """The rule sums b's adjoint itself; adgen must not sum it again."""
    X, b = RNG.standard_normal((3, 4)), RNG.standard_normal(4)
    check_grads(m.sum_to_shape_model, (X, b), wrt=(0, 1))


def test_none_gives_no_gradient():
    """stop_gradient(x, y) = x·y with the rule (g·y, None): x_bar = y, y_bar = 0 by the rule's design."""
    x, y = np.array([1.5, -2.0]), np.array([0.25, 3.0])
    dx, dy = adgen.grad(m.stop_model, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(dx, numerical_grad(m.stop_model, (x, y), 0))
    np.testing.assert_array_equal(dy, np.zeros(2))


# --- forward mode ----------------------------------------------------------------------------


def test_jvp_rule_alone_gives_reverse_mode_for_an_elementwise_function():
    check_grads(m.cbrt_model, (0.7, 1.9), wrt=(0, 1))


@pytest.mark.parametrize(
    "name, point", [("cbrt_model", {"x": 0.7, "y": 1.9}), ("sp_scalar", {"x": 0.37})]
)
def test_tangent_trace_uses_the_jvp_rule_or_the_derived_one(name, point):
    source = SourceFile("custom.py", Path(m.__file__).read_text())
    module = read_rules(parse_module(source))
    graph = build_graph(normalize(module, module.functions[name]))
    _, values = primal_trace(graph, point)
    f = getattr(m, name)
    args = tuple(point.values())
    for seed in point:
        tangent = tangent_trace(graph, values, seed)[-1].value
        direction = np.zeros(len(args))
        direction[list(point).index(seed)] = 1.0
        expected = directional_derivative(
            lambda v: f(*v), (np.array(args),), 0, direction
        )
        assert tangent == pytest.approx(expected, rel=1e-6)


# --- rules in a module next to the model -----------------------------------------------------

MYLIB = """
    import adgen
    import numpy as np
    from scipy.special import expit

    SCALE = 2.0


    def softplus(x):
        return np.logaddexp(0.0, x)


    @adgen.defvjp(softplus)
    def softplus_vjp(g, ans, x):
        return g * expit(x)


    def smooth_abs(x):
        y = np.sqrt(x * x + 1.0)
        return y * SCALE


    @adgen.defvjp(smooth_abs)
    def smooth_abs_vjp(g, ans, x):
        return g * x * SCALE * SCALE / ans
"""

SIBLING_MODEL = """
    import numpy as np

    import mylib
    from mylib import softplus as sp


    def loss(w, x):
        return np.sum(sp(w * x) + mylib.smooth_abs(w - x))
"""


def test_rules_in_an_imported_module_next_to_the_model(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"mylib.py": MYLIB, "model.py": SIBLING_MODEL})
    monkeypatch.chdir(tmp_path)
    assert main(["compile", "model.py", "-o", "out"]) == 0, capsys.readouterr().err
    monkeypatch.syspath_prepend(str(tmp_path))
    model = load(tmp_path / "model.py", "sibling_model")
    generated = load(tmp_path / "out" / "model_grad.py", "sibling_model_grad")
    w, x = RNG.standard_normal(3), RNG.standard_normal(3)
    grads = generated.grad_loss(w, x)
    for k in (0, 1):
        np.testing.assert_allclose(
            grads[k], numerical_grad(model.loss, (w, x), k), rtol=1e-6, atol=1e-8
        )
    text = (tmp_path / "out" / "model_grad.py").read_text()
    assert "np.logaddexp(0.0, n3)" in text  # inlined forward
    assert (
        "def smooth_abs(x):" in text and "y * 2.0" in text
    )  # a black box, SCALE inlined


def test_rules_module_is_read_never_imported(tmp_path, monkeypatch, capsys):
    lib = (
        MYLIB
        + "\n    open('IMPORTED', 'w').close()\n    raise SystemExit('imported')\n"
    )
    write(tmp_path, {"mylib.py": lib, "model.py": SIBLING_MODEL})
    monkeypatch.chdir(tmp_path)
    assert main(["compile", "model.py", "-o", "out"]) == 0, capsys.readouterr().err
    assert not (tmp_path / "IMPORTED").exists()


def test_rules_module_inside_a_package(tmp_path, monkeypatch, capsys):
    model = SIBLING_MODEL.replace("import mylib", "import pkg.mylib as mylib").replace(
        "from mylib", "from pkg.mylib"
    )
    write(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/mylib.py": MYLIB, "pkg/model.py": model},
    )
    monkeypatch.chdir(tmp_path)
    assert main(["compile", "pkg/model.py", "-o", "out"]) == 0, capsys.readouterr().err
    assert "def smooth_abs(x):" in (tmp_path / "out" / "model_grad.py").read_text()


# --- the emitted code (golden) ---------------------------------------------------------------

GOLDEN_MODEL = """\
import adgen
import numpy as np
import scipy.special


def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defvjp(softplus)
def softplus_vjp(g, ans, x):
    return g * scipy.special.expit(x)


def ste_round(x):
    return np.round(x)


@adgen.defvjp(ste_round)
def ste_round_vjp(g, ans, x):
    return g


def f(x: float, y: float):
    return softplus(x * y) + ste_round(y)
"""

GOLDEN_CODE = '''\
def forward_f(x, y):
    """Forward sweep of `f` (model.py): its value, and the tape backward_f reads."""
    # return softplus(x * y) + ste_round(y)
    n3 = x * y
    n4 = np.logaddexp(0.0, n3)
    n5 = np.round(y)
    n6 = n4 + n5
    return n6, (x, y, n3)


def backward_f(tape, n6_bar=1.0):
    """Reverse sweep of `f`: adjoints of x, y, given n6_bar."""
    x, y, n3 = tape
    # n6 = n4 + n5
    n4_bar = n6_bar
    n5_bar = n6_bar
    # n5 = np.round(y)
    y_bar = n5_bar
    # n4 = np.logaddexp(0.0, n3)
    n3_bar = n4_bar * scipy.special.expit(n3)
    # n3 = x * y
    x_bar = n3_bar * y
    y_bar = y_bar + n3_bar * x
    return x_bar, y_bar
'''


def test_golden_emitted_code():
    code = compile_source(SourceFile("model.py", GOLDEN_MODEL))
    start = code.index("def forward_f")
    assert code[start : code.index("\n\n\ndef grad_f")] + "\n" == GOLDEN_CODE
    assert "import scipy.special" in code
    assert (
        "softplus_vjp" not in code and "def softplus" not in code
    )  # rules are not compiled


def test_golden_code_runs_and_matches_a_hand_worked_gradient(compile_text):
    """d/dx softplus(xy) = y·σ(xy); d/dy = x·σ(xy) + 1 (the straight-through round)."""
    generated = compile_text(GOLDEN_MODEL)
    x, y = 0.8, -1.7
    dx, dy = generated.grad_f(x, y)
    s = scipy.special.expit(x * y)
    assert dx == pytest.approx(y * s) and dy == pytest.approx(x * s + 1.0)


def test_dump_shows_one_node_per_call():
    stages = run(SourceFile("model.py", GOLDEN_MODEL))
    text = dump(stages, "normalize")
    assert "n4 = custom(n3, rule=softplus)" in text
    assert "n5 = custom(y, rule=ste_round)" in text


# --- the model still runs as plain Python ----------------------------------------------------


def test_decorators_leave_the_rule_callable():
    def f(x):
        return x

    def f_vjp(g, ans, x):
        return 2 * g

    assert adgen.defvjp(f)(f_vjp) is f_vjp and f_vjp(1.0, None, None) == 2.0
    assert adgen.defjvp(f)(f_vjp) is f_vjp
    assert m.sp_sum(np.array([0.0])) == pytest.approx(np.log(2.0))


def test_rule_functions_and_custom_functions_are_not_compiled_on_their_own():
    module = read_rules(
        parse_module(SourceFile("custom.py", Path(m.__file__).read_text()))
    )
    names = {f.name for f in select_functions(module, None)}
    assert "sp_sum" in names and "bb_model" in names
    assert not names & {"softplus", "softplus_vjp", "scaled_erfc", "erfcx_vjp"}


def test_trace_evaluates_a_black_box(tmp_path, monkeypatch, capsys):
    """`adgen trace` runs the copied definition; x_bar = w·erfcx'(x·w) at x = 0.5, w = 1.5."""
    write(
        tmp_path,
        {"model.py": """
                import adgen
                import numpy as np
                from scipy.special import erfcx


                def box(x):
                    y = erfcx(x)
                    return y


                @adgen.defvjp(box)
                def box_vjp(g, ans, x):
                    return g * (2.0 * x * ans - 2.0 / np.sqrt(np.pi))


                def f(x, w):
                    return box(x * w)
            """},
    )
    monkeypatch.chdir(tmp_path)
    assert main(["trace", "model.py:f", "--at", "x=0.5,w=1.5"]) == 0
    out = capsys.readouterr().out
    u = 0.75
    expected = 1.5 * (2 * u * scipy.special.erfcx(u) - 2 / np.sqrt(np.pi))
    assert f"= {expected:.3f}".rstrip("0") in out, out


def test_the_example(monkeypatch):
    """examples/custom_rules: the model and its rules module next to it, vs finite differences."""
    root = Path(__file__).resolve().parents[1]
    monkeypatch.syspath_prepend(str(root / "examples" / "custom_rules"))
    sys.modules.pop("stable_ops", None)
    model = load(root / "examples" / "custom_rules" / "model.py", "custom_rules_model")
    X = RNG.standard_normal((6, 3))
    y = np.sign(RNG.standard_normal(6))
    w = np.array([0.3, -1.1, 0.45])
    check_grads(model.probit_loss, (w, X, y))
    # logistic_loss rounds w to quarters: straight through, d wq/dw = 4 · 1 · 1/4 = 1, so
    # its gradient is that of h(v) = mean(log(1 + e^(-y·Xv))) at v = wq.
    wq = np.round(4.0 * w) / 4.0

    def h(v, X, y):
        return np.mean(np.logaddexp(0.0, -y * (X @ v)))

    np.testing.assert_allclose(
        adgen.grad(model.logistic_loss)(w, X, y),
        numerical_grad(h, (wq, X, y), 0),
        rtol=1e-6,
    )
