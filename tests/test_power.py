"""Powers at x == 0 (issue 12): d/dx x ** y is 0 where y == 0, at x == 0 too.

The rule ``g * y * x ** (y - 1)`` computed 0 * inf = nan there, for ``x ** 0``,
``x ** 0.0``, ``np.power(x, 0)``, a module constant 0, a data exponent equal to
0 (polynomial features ``w[i] * x ** i``), in both modes and at second order.
Every value here is checked against autograd (its numpy rules, nothing of
adgen) and the closed form: 0 where y == 0, y x**(y-1) elsewhere.  The models
are ``tests/rules_models/powers.py``; each form runs through the runtime API and
through the module ``adgen compile --mode both`` writes.
"""

from __future__ import annotations

import importlib.util
import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from conftest import ROOT
from rules_models import powers

import adgen
from adgen.cli import main

MODELS = ROOT / "tests" / "rules_models" / "powers.py"
X = np.array([0.0, 0.5, -1.5, 2.0, 0.0])  # zeros among ordinary points
TANGENT = np.array([0.7, -1.1, 0.4, 1.3, -0.6])


def closed_form(x, deg):
    """d/dx x ** deg: 0 where deg == 0 (at x == 0 too), deg x**(deg-1) elsewhere."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(deg == 0, 0.0, deg * x ** np.where(deg == 0, 1, deg - 1))


# (model, its autograd twin, the data exponent it takes or None, its closed form)
def _sin_times(power):
    return lambda x: anp.sum(anp.sin(x) * power(x))


ZERO_FORMS = [
    pytest.param(powers.zero_int, _sin_times(lambda x: x**0), id="x**0"),
    pytest.param(powers.zero_float, _sin_times(lambda x: x**0.0), id="x**0.0"),
    pytest.param(powers.zero_power, _sin_times(lambda x: anp.power(x, 0)), id="power"),
    pytest.param(powers.zero_constant, _sin_times(lambda x: x**0), id="x**P"),
]
DEGREES = [
    pytest.param(0, id="int-0"),
    pytest.param(0.0, id="float-0"),
    pytest.param(1, id="int-1"),
    pytest.param(2, id="int-2"),
    pytest.param(np.array([0.0, 1.0, 0.0, 2.0, 3.0]), id="array"),
]


def autograd_data_exponent(deg):
    return lambda x: anp.sum(anp.sin(x) * x**deg)


def autograd_data_power(deg):
    return lambda x: anp.sum(anp.cos(x) * anp.power(x, deg))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The module the command line writes for powers.py, with every mode's functions."""
    out = tmp_path_factory.mktemp("generated")
    assert main(["compile", str(MODELS), "-o", str(out), "--mode", "both"]) == 0
    path = out / "powers_grad.py"
    spec = importlib.util.spec_from_file_location("powers_grad", path)
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the staleness check reads a relative path
        spec.loader.exec_module(module)
    module.__source__ = path.read_text()
    return module


def assert_same(got, expected, what: str) -> None:
    """Equal to rounding; the same inf, or nan, where the reference has one."""
    np.testing.assert_allclose(
        np.asarray(got, dtype=np.float64),
        np.asarray(expected, dtype=np.float64),
        rtol=1e-12,
        atol=1e-12,
        err_msg=what,
    )


def all_sweeps(module, name: str, args: tuple) -> dict:
    """The gradient from each function of the compiled module (first parameter)."""
    return {
        "grad_f": getattr(module, f"grad_{name}")(*args)[0],
        "value_and_grad_f": getattr(module, f"value_and_grad_{name}")(*args)[1][0],
        "backward_f": getattr(module, f"backward_{name}")(
            getattr(module, f"forward_{name}")(*args)[1]
        )[0],
    }


# --- x ** 0 in each spelling ------------------------------------------------------
@pytest.mark.parametrize("model, twin", ZERO_FORMS)
def test_zero_exponent_reverse_and_forward_api(model, twin):
    expected = autograd.grad(twin)(X)
    assert_same(expected, np.cos(X), "autograd vs the closed form cos(x)")
    assert_same(adgen.grad(model)(X), expected, "grad")
    assert_same(adgen.grad(model, mode="forward")(X), expected, "grad, forward")
    _, derivative = adgen.jvp(model)(X, TANGENT)
    assert_same(derivative, expected @ TANGENT, "jvp")


@pytest.mark.parametrize("model, twin", ZERO_FORMS)
def test_zero_exponent_compiled_module(model, twin, generated):
    expected = autograd.grad(twin)(X)
    name = model.__name__
    for sweep, g in all_sweeps(generated, name, (X.copy(),)).items():
        assert_same(g, expected, sweep)
    _, derivative = getattr(generated, f"jvp_{name}")(X.copy(), TANGENT)
    assert_same(derivative, expected @ TANGENT, "jvp_f")


def test_zero_exponent_at_a_python_float_zero(generated):
    for model, twin in [(p.values[0], p.values[1]) for p in ZERO_FORMS]:
        expected = float(autograd.grad(twin)(np.float64(0.0)))
        assert expected == 1.0
        assert adgen.grad(model)(0.0) == expected
        assert adgen.grad(model, mode="forward")(0.0) == expected
        assert getattr(generated, f"grad_{model.__name__}")(0.0)[0] == expected


# --- exponents that are data --------------------------------------------------------
@pytest.mark.parametrize("deg", DEGREES)
@pytest.mark.parametrize(
    "model, twin",
    [
        pytest.param(powers.data_exponent, autograd_data_exponent, id="x**deg"),
        pytest.param(powers.data_power, autograd_data_power, id="power(x,deg)"),
    ],
)
def test_data_exponent(model, twin, deg, generated):
    expected = autograd.grad(twin(deg))(X)
    factor = np.sin(X) if model is powers.data_exponent else np.cos(X)
    derivative = np.cos(X) if model is powers.data_exponent else -np.sin(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        closed = derivative * X**deg + factor * closed_form(X, deg)
    assert_same(expected, closed, "autograd vs the closed form")
    assert_same(adgen.grad(model)(X, deg), expected, "grad")
    assert_same(adgen.grad(model, mode="forward")(X, deg), expected, "forward")
    _, along = adgen.jvp(model)(X, deg, TANGENT)
    assert_same(along, expected @ TANGENT, "jvp")
    name = model.__name__
    for sweep, g in all_sweeps(generated, name, (X.copy(), deg)).items():
        assert_same(g, expected, sweep)
    _, along = getattr(generated, f"jvp_{name}")(X.copy(), deg, TANGENT)
    assert_same(along, expected @ TANGENT, "jvp_f")


def polynomial_autograd(w, x):
    s = 0.0
    for i in range(3):
        s = s + w[i] * x**i
    return s


@pytest.mark.parametrize("x", [0.0, 1.3, -0.4])
def test_polynomial_features(x, generated):
    """``w[i] * x ** i`` with i = 0, 1, 2: the loop index is a data exponent."""
    w = np.array([0.3, -1.2, 0.7])
    x = np.float64(x)
    expected = [autograd.grad(polynomial_autograd, k)(w, x) for k in (0, 1)]
    assert_same(expected[1], w[1] + 2 * w[2] * x, "autograd vs the closed form")
    for mode in ("reverse", "forward"):
        got = adgen.grad(powers.polynomial, wrt=(0, 1), mode=mode)(w, x)
        for k in (0, 1):
            assert_same(got[k], expected[k], f"{mode}, argument {k}")
    got = generated.grad_polynomial(w.copy(), x)
    for k in (0, 1):
        assert_same(got[k], expected[k], f"grad_f, argument {k}")
    tangents = (np.array([0.5, -0.2, 0.9]), 0.8)
    _, along = generated.jvp_polynomial(w.copy(), x, *tangents)
    assert_same(along, expected[0] @ tangents[0] + expected[1] * 0.8, "jvp_f")


def test_float_path(generated):
    """``x: float``: grad_f runs on Python floats with ``math``, and falls back to
    numpy where math raises (a negative base to a fractional power is nan)."""
    assert "math.pow(" in generated.__source__
    for x, deg in [(0.0, 0), (0.0, 0.0), (0.0, 1.0), (1.5, 0), (2.0, 3.0), (-2.0, 0.5)]:
        with warnings.catch_warnings(), np.errstate(invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # numpy's nan at -2 ** 0.5
            expected = autograd.grad(lambda x, d=deg: anp.sin(x) + x**d)(np.float64(x))
            (got,) = generated.grad_float_data_exponent(x, deg)
            assert isinstance(got, float)  # not complex
            assert_same(got, expected, f"grad_f at {x, deg}")
            api = adgen.grad(powers.float_data_exponent)(x, deg)
            assert_same(api, expected, "grad")


# --- second order ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "model, twin",
    [
        pytest.param(powers.zero_only, lambda x: anp.sum(x**0), id="x**0"),
        pytest.param(powers.one, lambda x: anp.sum(x**1), id="x**1"),
        pytest.param(powers.square, lambda x: anp.sum(x**2), id="x**2"),
        pytest.param(powers.zero_int, ZERO_FORMS[0].values[1], id="sin(x)*x**0"),
    ],
)
def test_hessian_of_literal_exponents(model, twin):
    expected = autograd.hessian(twin)(X)
    assert_same(adgen.hessian(model)(X), expected, "hessian")


@pytest.mark.parametrize("deg", DEGREES)
def test_hessian_of_data_exponent(deg):
    expected = autograd.hessian(autograd_data_exponent(deg))(X)
    assert_same(adgen.hessian(powers.data_exponent)(X, deg), expected, "hessian")


# --- an exponent that is differentiated too ---------------------------------------------
def power_hessian(x: float, y: float) -> np.ndarray:
    """The Hessian of x ** y in (x, y), worked by hand (x > 0)."""
    xy = y * (y - 1) * x ** (y - 2)
    mixed = x ** (y - 1) * (1 + y * np.log(x))
    return np.array([[xy, mixed], [mixed, x**y * np.log(x) ** 2]])


@pytest.mark.parametrize("x, y", [(2.0, 0.0), (0.5, 0.0), (2.0, 1.5), (0.7, -1.0)])
def test_hessian_with_the_exponent_at_zero(x, y):
    """At y == 0 the mixed derivative is x**(y-1) (1 + y log x) = 1/x.  (autograd's
    own guard, exponent 1 where y == 0, gives x there: not the reference.)"""
    H = adgen.hessian(powers.scalar_both, wrt=(0, 1))(x, y)
    assert_same(np.array(H, dtype=np.float64), power_hessian(x, y), "hessian")


@pytest.mark.parametrize("y", [2.0, 1.0, 0.5, 0.0, -1.0])
def test_exponent_derivative_at_zero_base_matches_autograd(y, generated):
    """d/dy x ** y at x == 0 is autograd's g * log(x or 1) * x ** y: 0 for y >= 0
    (0 ** y is constant in y > 0, and x ** 0 is 1), nan for y < 0 (0 * inf)."""
    point = np.array([0.0, 0.0, 1.5])
    exponent = np.array([y, 0.0, y])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        expected = autograd.grad(lambda x, y: anp.sum(x**y), (0, 1))(point, exponent)
        for got in [
            adgen.grad(powers.both, wrt=(0, 1))(point, exponent),
            generated.grad_both(point.copy(), exponent.copy()),
        ]:
            for k in (0, 1):
                assert_same(got[k], expected[k], f"argument {k}")
    assert expected[1][1] == 0.0 and expected[0][1] == 0.0  # x == y == 0


# --- what the compiler writes ----------------------------------------------------------
def grad_source(generated, name: str) -> str:
    text = generated.__source__
    start = text.index(f"def grad_{name}(")
    return text[start : text.index("\ndef ", start)]


def test_literal_exponents_stay_simple(generated):
    """A literal exponent is folded; a literal 0 leaves no adjoint of the power
    (x ** 0 is still computed where it is a factor of another adjoint)."""
    assert "x_bar = n2_bar * (2 * x)" in grad_source(generated, "square")
    for name in ("zero_int", "zero_float", "zero_power", "zero_constant"):
        code = grad_source(generated, name)
        assert "n3_bar" not in code and "x ** (-1" not in code, code
    code = grad_source(generated, "zero_only")
    assert "x_bar = np.zeros_like(x)" in code and "**" not in code, code


def test_a_data_exponent_is_guarded_without_an_array_pass(generated):
    """``x ** (deg - 1 + (deg == 0))``: for a scalar ``deg`` the exponent stays a
    Python number (no np.where, which would make a float64 array)."""
    code = grad_source(generated, "data_exponent")
    assert "x ** (deg - 1 + (deg == 0))" in code and "np.where" not in code, code
    x32 = np.abs(X).astype(np.float32)
    for deg in (0, 2, 2.5):
        for g in (
            generated.grad_data_exponent(x32, deg)[0],
            adgen.grad(powers.data_exponent)(x32, deg),
        ):
            assert g.dtype == np.float32


def test_activity_skips_list_constants(compile_text):
    """Activity now follows only operands with a derivative (x ** 0 gives x none);
    a list constant operand, an unhashable Const, is no variable (found by the
    fuzzer: np.sin(W) raised TypeError while compiling)."""
    module = compile_text("""
        import numpy as np

        W = [0.5, -1.0, 2.0]

        def f(x):
            return np.sum(np.sin(W)) + np.sum(x ** 0) + 2.0 * np.sum(x)
        """)
    x = np.array([0.0, 1.5, -2.0])
    np.testing.assert_array_equal(module.grad_f(x)[0], [2.0, 2.0, 2.0])
