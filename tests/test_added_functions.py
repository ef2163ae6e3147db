"""The numpy functions added as one record each, end to end: through the CLI and
the API, in reverse and forward mode, against autograd.

Adding an elementwise numpy function to adgen is one ``numpy_unary`` record in
adgen/primitives/elementwise.py plus its models (tests/rules_models/:
``u_<name>`` in elementwise.py, checked against finite differences by
tests/test_rules.py and, in forward mode, tests/test_forward.py; ``so_<name>``
in second_order.py, checked against autograd by tests/test_higher_order.py).
This file adds the CLI: the emitted module, imported, against autograd.
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
from conftest import ROOT
from rules_models import added
from rules_models import added_gradient_code as gc
from test_forward import check_forward_grads, check_jvp
from test_rules import ANY, POS, UNIT, check_vjp, uniform

import adgen
from adgen.cli import main
from adgen.testing import check_grads

autograd = pytest.importorskip("autograd")  # the test extra installs it
anp = pytest.importorskip("autograd.numpy")

MODELS = ROOT / "tests" / "rules_models"
X = np.random.default_rng(7).uniform(0.3, 0.9, (2, 2, 3))

# model in second_order.py -> the same function of x * y, written for autograd
ADDED = {
    "so_reciprocal": lambda x, y: anp.sum(anp.reciprocal(x * y)),
    "so_arcsinh": lambda x, y: anp.sum(anp.arcsinh(x * y)),
}


@pytest.fixture(scope="module")
def emitted(tmp_path_factory):
    """second_order.py's models of the added functions, compiled by ``adgen compile``."""
    folder = tmp_path_factory.mktemp("added")
    spec = f"{MODELS / 'second_order.py'}:{','.join(ADDED)}"
    assert main(["compile", spec, "-o", str(folder), "--mode", "both"]) == 0
    path = folder / "second_order_grad.py"
    module_spec = importlib.util.spec_from_file_location("added_grad", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("model", sorted(ADDED))
def test_cli_gradient_matches_autograd(emitted, model):
    x, y = X
    got = getattr(emitted, f"grad_{model}")(x, y)
    expected = autograd.grad(ADDED[model], (0, 1))(x, y)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-12)


@pytest.mark.parametrize("model", sorted(ADDED))
def test_cli_tangent_matches_autograd(emitted, model):
    x, y = X
    x_dot, y_dot = np.random.default_rng(8).normal(size=(2, 2, 3))
    value, tangent = getattr(emitted, f"jvp_{model}")(x, y, x_dot, y_dot)
    gx, gy = autograd.grad(ADDED[model], (0, 1))(x, y)
    np.testing.assert_allclose(value, ADDED[model](x, y), rtol=1e-12)
    np.testing.assert_allclose(tangent, np.sum(gx * x_dot + gy * y_dot), rtol=1e-12)


def test_math_asinh_through_the_api():
    """math.asinh is the same record as np.arcsinh: a Python float in, a float out."""
    from rules_models.scalars import m_asinh

    for x in (-1.7, 0.0, 2.5):
        value, grad = adgen.value_and_grad(m_asinh)(x)
        assert type(value) is float and value == math.asinh(x)
        assert grad == pytest.approx(1 / math.sqrt(x * x + 1), rel=1e-15)


# =============================================================================
# autograd's numpy coverage (issue 15): each added primitive against central
# finite differences, in reverse mode (check_vjp: the pullback of a random seed)
# and forward mode (check_jvp: the tangent along random directions)
# =============================================================================
def mod_operands(shape, seed):
    """x, y with x / y away from whole numbers, where mod jumps."""
    r = np.random.default_rng(seed)
    y = r.uniform(1.1, 2.5, shape)
    return y * (r.integers(-3, 3, shape) + r.uniform(0.1, 0.9, shape)), y


SHAPE = (3, 4)
ELEMENTWISE = [
    pytest.param(added.u_arccosh, [uniform(1.2, 3.0)], id="arccosh"),
    pytest.param(added.u_arctanh, [UNIT], id="arctanh"),
    pytest.param(added.u_deg2rad, [ANY], id="deg2rad"),
    pytest.param(added.u_radians, [ANY], id="radians"),
    pytest.param(added.u_rad2deg, [ANY], id="rad2deg"),
    pytest.param(added.u_degrees, [ANY], id="degrees"),
    pytest.param(added.u_cbrt, [uniform(0.3, 3.0)], id="cbrt"),
    pytest.param(added.u_sinc, [ANY], id="sinc"),
    pytest.param(added.b_logaddexp, [ANY, ANY], id="logaddexp"),
    pytest.param(added.b_logaddexp2, [ANY, ANY], id="logaddexp2"),
    pytest.param(added.b_fmax, [ANY, ANY], id="fmax"),
    pytest.param(added.b_fmin, [ANY, ANY], id="fmin"),
    pytest.param(added.b_hypot, [ANY, POS], id="hypot"),
    pytest.param(added.b_arctan2, [ANY, POS], id="arctan2"),
    pytest.param(added.z_rounding, [uniform(-3.0, 3.0)], id="rounding"),
]


def _inputs(gens, seed=11):
    return tuple(gen(SHAPE, seed + k) for k, gen in enumerate(gens))


@pytest.mark.parametrize("f, gens", ELEMENTWISE)
def test_added_elementwise_reverse(f, gens):
    args = _inputs(gens)
    if f is added.z_rounding:  # away from the jumps of round(x, 2) and the rest
        args = (np.round(args[0], 1) + 0.0123,)
    check_vjp(f, args, range(len(args)))


@pytest.mark.parametrize("f, gens", ELEMENTWISE)
def test_added_elementwise_forward(f, gens):
    args = _inputs(gens)
    if f is added.z_rounding:
        args = (np.round(args[0], 1) + 0.0123,)
    check_jvp(f, args, range(len(args)))


@pytest.mark.parametrize("f", [added.b_np_mod, added.b_remainder])
def test_np_mod_both_modes(f):
    """np.mod is `%`: derivative 1 in x, -floor(x / y) in y."""
    x, y = mod_operands(SHAPE, 3)
    check_vjp(f, (x, y), (0, 1))
    check_jvp(f, (x, y), (0, 1))
    check_vjp(f, (x, -y), (0, 1))  # a negative divisor: the result takes y's sign


def test_sinc_at_zero():
    """sinc'(0) = 0 and sinc''(0) = -pi**2 / 3 (worked by hand: sinc(x) = 1 -
    (pi x)**2 / 6 + ...), where the plain formula (cos(pi x) - sinc(x)) / x is 0/0."""
    assert adgen.grad(added.u_sinc)(0.0) == 0.0
    assert adgen.grad(added.u_sinc, mode="forward")(0.0) == 0.0
    H = adgen.hessian(added.s_sinc)(np.array([0.0, 0.5]))
    np.testing.assert_allclose(H[0, 0], -np.pi**2 / 3, rtol=1e-12)


MATH_ADDED = [
    pytest.param(added.m_acosh, (1.7,), id="acosh"),
    pytest.param(added.m_atanh, (-0.4,), id="atanh"),
    pytest.param(added.m_degrees, (0.8,), id="degrees-radians"),
    pytest.param(added.m_hypot, (0.8, -1.9), id="hypot"),
    pytest.param(added.m_atan2, (0.8, -1.9), id="atan2"),
    pytest.param(added.m_rounding, (2.3,), id="floor-ceil-trunc"),
]


@pytest.mark.parametrize("f, args", MATH_ADDED)
def test_added_math_spellings(f, args):
    """math.* of Python floats: the value is exactly math's, the gradient against
    finite differences in both modes."""
    wrt = tuple(range(len(args)))
    check_grads(f, args, wrt=wrt)
    check_forward_grads(f, args, wrt=wrt)
    value, _ = adgen.value_and_grad(f)(*args)
    assert value == f(*args)


X345 = np.random.default_rng(21).uniform(0.5, 1.5, (3, 4, 5))
ARRAY_MODELS = sorted(
    name
    for name in vars(added)
    if name.split("_")[0] in ("r", "c", "sh") or name.startswith("la_trace")
)


@pytest.mark.parametrize("model", ARRAY_MODELS)
def test_added_array_function(model):
    """Reductions, scans and rearrangements of a (3, 4, 5) array (distinct entries:
    no ties in sort, var > 0): reverse and forward mode against finite differences."""
    f = getattr(added, model)
    check_vjp(f, (X345,), (0,))
    check_jvp(f, (X345,), (0,))


def test_prod_with_zeros_is_exact():
    """The gradient of prod is the product of the other entries (worked by hand):
    with one zero, only the zero's entry is nonzero; with two, all are zero; where
    autograd's prod / x is nan."""
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]])
    np.testing.assert_array_equal(
        adgen.grad(added.r_prod_sum_rows)(x), [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]]
    )
    np.testing.assert_array_equal(
        adgen.grad(added.r_prod_sum_rows, mode="forward")(x),
        [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]],
    )
    assert adgen.grad(added.r_prod)(np.array([2.0, 0.0, 4.0])).tolist() == [0, 8, 0]


def R(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


GRADIENT_CODE = [
    pytest.param(gc.gc_reshape_like, (R(6), R(2, 3, seed=1)), id="reshape_like"),
    pytest.param(
        gc.gc_diagonal_adjoint, (R(3, 2), R(2, 3, 4, seed=1)), id="diagonal_adjoint"
    ),
    pytest.param(gc.gc_diag_adjoint, (R(3), R(4, 3, seed=1)), id="diag_adjoint"),
    pytest.param(
        gc.gc_diag_adjoint_vector, (R(4, 4), R(3, seed=1)), id="diag_adjoint-vector"
    ),
    pytest.param(gc.gc_repeat_adjoint, (R(2, 6), R(2, 3, seed=1)), id="repeat_adjoint"),
    pytest.param(
        gc.gc_repeat_adjoint_flat, (R(18), R(2, 3, seed=1)), id="repeat_adjoint-flat"
    ),
    pytest.param(gc.gc_tile_adjoint, (R(2, 4, 9), R(4, 3, seed=1)), id="tile_adjoint"),
    pytest.param(gc.gc_unpad, (R(4, 6),), id="unpad"),
    pytest.param(
        gc.gc_trace_adjoint_offset, (R(4), R(3, 4, 5, seed=1)), id="trace_adjoint"
    ),
]


@pytest.mark.parametrize("f, args", GRADIENT_CODE)
def test_added_gradient_code_rules(f, args):
    """The helpers' own rules (for second derivatives), against finite differences."""
    wrt = tuple(range(len(args)))
    check_vjp(f, args, wrt)
    check_jvp(f, args, wrt)


SPECIAL = [
    pytest.param(added.sp_erf, uniform(-2.0, 2.0), id="erf-erfc"),
    pytest.param(added.sp_gammaln, uniform(0.5, 3.0), id="gammaln-digamma-polygamma"),
    pytest.param(added.sp_logit, uniform(0.2, 1.8), id="logit"),
    pytest.param(added.sp_softmax, ANY, id="softmax"),
    pytest.param(added.sp_log_softmax, ANY, id="log_softmax"),
    pytest.param(added.op_arithmetic, uniform(0.3, 2.0), id="operator"),
]


@pytest.mark.parametrize("f, gen", SPECIAL)
def test_added_special_and_operator(f, gen):
    """scipy.special's functions and the operator module's, on a (2, 3, 4) array
    (operator's on a (3, 4)), against finite differences in both modes."""
    x = gen((3, 4) if f is added.op_arithmetic else (2, 3, 4), 31)
    check_vjp(f, (x,), (0,))
    check_jvp(f, (x,), (0,))


A33 = np.eye(3) * 2.0 + R(3, 3, seed=41) * 0.3
LINALG = [
    pytest.param(added.la_inv, (A33,), id="inv"),
    pytest.param(added.la_det, (A33,), id="det"),
    pytest.param(added.la_solve_vector, (A33, R(3, seed=42)), id="solve-vector"),
    pytest.param(added.la_solve_matrix, (A33, R(3, 2, seed=43)), id="solve-matrix"),
    pytest.param(added.la_norm, (A33, R(4, seed=44)), id="norm"),
    pytest.param(added.la_norm_axis, (A33,), id="norm-axis-ord"),
    pytest.param(gc.gc_solve_adjoint_a, (R(3), R(3, seed=1)), id="solve_adjoint_a"),
    pytest.param(
        gc.gc_solve_adjoint_a, (R(3, 2), R(3, 2, seed=1)), id="solve_adjoint_a-matrix"
    ),
]


@pytest.mark.parametrize("f, args", LINALG)
def test_added_linalg(f, args):
    """np.linalg against finite differences in both modes."""
    wrt = tuple(range(len(args)))
    check_vjp(f, args, wrt)
    check_jvp(f, args, wrt)


REFUSED = {
    "np.linalg.norm(x, 2)": "np.linalg.norm with ord=2, axis=None",
    "np.linalg.norm(x, 'nuc')": "np.linalg.norm with ord='nuc'",
    "np.sort(x, axis=None)": "np.sort's axis must be an integer",
    "np.var(x, out=x)": "`out` must be a constant",
    "np.var(x, dtype=np.float32)": "`dtype=` is not supported",
    "x.astype(3)": "x.astype takes a dtype here",
    "np.linalg.eigh(x, UPLO='U')[0]": "np.linalg.eigh with UPLO='U' is not supported",
    "np.var(x, dtype='float32')": "`dtype=` is not supported",
    "np.cumsum(x, 0, None, x)": "`out` must be a constant",
    "np.pad(x, 1, mode='edge')": "np.pad's mode='edge' is not supported",
    "np.diff(x, append=x)": "`append` must be a constant",
    "np.diff(x, append=(1.0, 2.0))": "np.diff's `append=` must be a number",
    "np.prod(x, out=x)": "keyword argument `out=`",
    "np.einsum('i->ii', x)": "np.einsum's output has a letter twice",
    "np.einsum('i->j', x)": "np.einsum's output has a letter no operand has",
    "np.einsum('i,i', x)": "one operand per term",
    "np.einsum('i1', x)": "are not letters and one '...'",
    "np.einsum('i', x, optimize=True)": "one operand per term",
    "np.einsum(s, x)": "a literal subscripts string",
    "np.einsum(x, [0, -1])": "literal lists of integers 0-51",
}


@pytest.mark.parametrize("call", sorted(REFUSED))
def test_unsupported_parameters_are_located_refusals(call):
    """Parameters the rules do not cover are refused where they are written."""
    from adgen.errors import AdgenError, SourceFile
    from adgen.pipeline import compile_source

    text = f"import numpy as np\n\n\ndef f(x):\n    return np.sum({call})\n"
    with pytest.raises(AdgenError, match=r"model.py:5:\d+: error: ") as error:
        compile_source(SourceFile("model.py", text), ["f"])
    assert REFUSED[call] in str(error.value)


CONTRACTIONS = [
    pytest.param(added.ct_tensordot, (R(3, 4, 5), R(5, 4, 2, seed=1)), id="tensordot"),
    pytest.param(
        added.ct_tensordot_default,
        (R(3, 4, 5), R(5, 4, 2, seed=1)),
        id="tensordot-axes2",
    ),
    pytest.param(added.ct_inner, (R(3, 4, 5), R(5, 4, 2, seed=1)), id="inner"),
    pytest.param(added.ct_einsum, (R(3, 4, 5), R(5, 4, 2, seed=1)), id="einsum"),
    pytest.param(added.ct_cross, (R(3, 4, 5), R(5, 4, 2, seed=1)), id="cross"),
    pytest.param(added.ct_kron, (R(3, 4, 5), R(2, 4, 2, seed=1)), id="kron"),
    pytest.param(
        gc.gc_kron_adjoint_a, (R(6, 8), R(3, 4, seed=1), R(2, 2, seed=2)), id="kron_a"
    ),
    pytest.param(
        gc.gc_kron_adjoint_b, (R(6, 8), R(3, 4, seed=1), R(2, 2, seed=2)), id="kron_b"
    ),
    pytest.param(
        gc.gc_tensordot_adjoint_a,
        (R(3, 2), R(3, 4, 5, seed=1), R(5, 4, 2, seed=2)),
        id="tensordot_adjoint_a",
    ),
    pytest.param(
        gc.gc_tensordot_adjoint_b,
        (R(3, 2), R(3, 4, 5, seed=1), R(5, 4, 2, seed=2)),
        id="tensordot_adjoint_b",
    ),
]


@pytest.mark.parametrize("f, args", CONTRACTIONS)
def test_added_contractions(f, args):
    wrt = tuple(range(len(args)))
    check_vjp(f, args, wrt)
    check_jvp(f, args, wrt)
