"""Every primitive of adgen's rule table, checked against central finite differences.

The models live at the top level of small modules in ``tests/rules_models/``,
because adgen compiles a function from its source file (and re-reads the whole
file for every function, so one huge file would make the suite slow).  Each
table below has one row per primitive, or per variant of one, so the tests
mirror ``adgen/primitives/``:

* a model returning a scalar is checked with ``adgen.testing.check_grads``;
* a model returning an array is checked through ``adgen.vjp`` with a random
  seed ``v``: the pullback must equal the finite-difference gradient of
  ``sum(v * f(...))`` (``numerical_grad``), and the forward value must equal the
  plain Python call of the model;
* conventions at kinks (where finite differences are meaningless) are checked
  against hand-worked closed forms.

Nothing compares adgen against itself.
"""

import numpy as np
import pytest
from rules_models import (
    broadcast_arith,
    broadcast_pow,
    broadcast_select,
    reductions_axis,
)
from rules_models.arithmetic import (
    a_floordiv,
    a_mod,
    a_mod_const,
    a_nondifferentiable_helpers,
    c_clip,
    c_clip_annotated,
    c_clip_arrays,
    c_clip_const,
    np_add,
    np_divide,
    np_multiply,
    np_subtract,
    np_true_divide,
    p_const_base,
    p_cube,
    p_float_int,
    p_half,
    p_module_const,
    p_neg,
    p_np_power,
    p_np_power_arr,
    p_scalar_param,
    p_scalar_param_u,
    p_self,
    p_square,
    w_both,
    w_leaky,
    w_scalar_branch,
)
from rules_models.elementwise import (
    s_sum_log,
    s_sum_sin,
    u_abs,
    u_absolute,
    u_arccos,
    u_arcsin,
    u_arcsinh,
    u_arctan,
    u_cos,
    u_cosh,
    u_exp,
    u_exp2,
    u_expit,
    u_expm1,
    u_fabs,
    u_log,
    u_log1p,
    u_log2,
    u_log10,
    u_neg,
    u_negative,
    u_reciprocal,
    u_sin,
    u_sinh,
    u_sqrt,
    u_square,
    u_tan,
    u_tanh,
)
from rules_models.float32 import (
    f32_broadcast,
    f32_index,
    f32_logsumexp,
    f32_logsumexp_axis_output,
    f32_logsumexp_plus_element,
    f32_math_of_element,
    f32_matmul,
    f32_max,
    f32_maximum_of_elements,
    f32_mean,
    f32_pow_constant_base,
    f32_sin,
)
from rules_models.indexing import (
    ix_0,
    ix_3d,
    ix_block,
    ix_broadcast,
    ix_chain,
    ix_col,
    ix_element,
    ix_ellipsis,
    ix_fancy_repeated,
    ix_last,
    ix_mask,
    ix_newaxis,
    ix_np_newaxis,
    ix_param,
    ix_param2,
    ix_param_slice,
    ix_param_u,
    ix_reverse,
    ix_slice,
    ix_step,
)
from rules_models.kinks import (
    k_abs,
    k_abs_builtin,
    k_clip,
    k_fabs,
    k_max_builtin,
    k_max_builtin_left,
    k_max_float,
    k_max_left,
    k_max_right,
    k_max_ties,
    k_min_left,
    k_min_right,
    k_min_ties_axis,
    k_relu,
    k_relu_left,
    k_relu_mask,
    k_relu_where,
)
from rules_models.linalg import (
    la_dot,
    la_dot_11,
    la_dot_12,
    la_dot_21,
    la_dot_22,
    la_dot_method,
    la_dot_scalar,
    la_dot_scalar_u,
    la_matmul,
    la_matmul_22,
    la_mm,
    la_mm_11,
    la_mm_12,
    la_mm_21,
    la_mm_22,
    la_mm_32,
    la_mm_chain,
    la_mm_chain_a,
    la_outer,
    la_outer_a,
    la_outer_flattens,
    la_trace,
    la_trace_3d,
    la_trace_a,
    la_trace_product,
)
from rules_models.reductions import (
    me_amax,
    me_amin,
    me_max,
    me_max1,
    me_mean,
    me_mean1,
    me_min0,
    me_np_defaults,
    me_sum,
    me_sum0,
    me_sum_pos,
    r3_lse_02,
    r3_max_1m1,
    r3_mean_02,
    r3_mean_m2,
    r3_min_2,
    r3_sum_02,
    rb_center,
    rb_center_a,
    rb_log_softmax,
    rb_log_softmax_a,
    rb_normalize,
    rb_normalize_a,
    rb_stable_softmax,
    rb_stable_softmax_a,
)
from rules_models.scalars import (
    b_abs,
    b_max,
    b_min,
    b_mix,
    bu_abs,
    bu_max,
    bu_min,
    m_acos,
    m_asin,
    m_asinh,
    m_atan,
    m_chain,
    m_cos,
    m_cosh,
    m_exp,
    m_expm1,
    m_fabs,
    m_log,
    m_log1p,
    m_log2,
    m_log10,
    m_pow,
    m_sin,
    m_sinh,
    m_sqrt,
    m_tan,
    m_tanh,
    mu_exp,
    mu_fabs,
    mu_log,
    mu_pow,
    mu_sin,
    mu_sqrt,
    mu_tanh,
)
from rules_models.shapes import (
    sh_concat0,
    sh_concat1,
    sh_concat_default,
    sh_concat_flat,
    sh_concat_same,
    sh_concat_three,
    sh_reshape_flat,
    sh_reshape_method,
    sh_reshape_minus1,
    sh_reshape_np,
    sh_reshape_then,
    sh_reshape_tuple,
    sh_stack0,
    sh_stack1,
    sh_stack_default,
    sh_stack_m1,
    sh_stack_same,
    sh_T,
    sh_T_3d,
    sh_T_a,
    sh_transpose,
    sh_transpose_102,
    sh_transpose_201,
    sh_transpose_201_a,
    sh_transpose_keyword,
    sh_transpose_method,
    sh_transpose_method_noargs,
    sh_transpose_negative,
)
from rules_models.structure import (
    st_alias,
    st_annotated_assign,
    st_augmented,
    st_augmented_more,
    st_augmented_param,
    st_constant_list,
    st_constant_output,
    st_constant_tuple,
    st_constants,
    st_docstring,
    st_helper_keywords,
    st_helper_reassigns_param,
    st_identity,
    st_identity_helper,
    st_names_like_generated,
    st_names_like_runtime,
    st_nested,
    st_reassign,
    st_relu,
    st_relu_twice,
    st_reuse,
    st_shadow,
    st_shadow_after_helper,
    st_swap,
    st_tuple,
    st_unpack_array,
    st_unpack_helper,
    st_unpack_list,
    st_unused_param,
)

import adgen
from adgen.testing import check_grads, numerical_grad

BROADCAST_MODULE = {
    "add": broadcast_arith,
    "sub": broadcast_arith,
    "mul": broadcast_arith,
    "div": broadcast_arith,
    "pow": broadcast_pow,
    "power": broadcast_pow,
    "mod": broadcast_pow,
    "maximum": broadcast_select,
    "minimum": broadcast_select,
    "where": broadcast_select,
}


def broadcast_model(prefix, op, combo=None):
    name = f"{prefix}_{op}" if combo is None else f"{prefix}_{op}_{combo}"
    return getattr(BROADCAST_MODULE[op], name)


# =============================================================================
# Test harness (plain numpy; independent of adgen)
# =============================================================================
def check_vjp(f, args, argnums, seed=0, rtol=1e-5, atol=1e-7):
    """adgen's pullback of a random seed vs finite differences of sum(seed * f)."""
    argnums = tuple(argnums)
    out, pullback = adgen.vjp(f, wrt=argnums)(*args)
    np.testing.assert_allclose(
        out, f(*args), rtol=1e-12, atol=1e-12, err_msg="forward value"
    )
    v = np.random.default_rng(seed + 1000).standard_normal(np.shape(out))
    grads = pullback(v)
    assert len(grads) == len(argnums)
    for k, g in zip(argnums, grads, strict=True):
        assert np.shape(g) == np.shape(
            args[k]
        ), f"gradient of argument {k}: shape {np.shape(g)} != {np.shape(args[k])}"
        expected = numerical_grad(lambda *a: np.sum(v * f(*a)), args, k)
        np.testing.assert_allclose(
            np.asarray(g, dtype=np.float64),
            expected,
            rtol=rtol,
            atol=atol,
            err_msg=f"gradient of argument {k}",
        )


def uniform(lo, hi):
    """Input generator: shape, seed -> uniform samples in (lo, hi)."""

    def gen(shape, seed):
        x = np.random.default_rng(seed).uniform(lo, hi, size=shape)
        return float(x) if shape == () else x

    return gen


def away_from_zero(shape, seed):
    """Input generator: uniform in (-2, -0.2) U (0.2, 2), away from the kink of abs."""
    r = np.random.default_rng(seed)
    x = r.uniform(0.2, 2.0, size=shape) * r.choice([-1.0, 1.0], size=shape)
    return float(x) if shape == () else x


def R(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


ANY = uniform(-2.0, 2.0)
POS = uniform(0.2, 3.0)
UNIT = uniform(-0.9, 0.9)


# =============================================================================
# Elementwise unary functions: numpy, scipy.special, unary minus
#   models: rules_models/elementwise.py
# =============================================================================
UNARY = [
    pytest.param(u_sin, ANY, id="sin"),
    pytest.param(u_cos, ANY, id="cos"),
    pytest.param(u_tan, uniform(-1.2, 1.2), id="tan"),
    pytest.param(u_arcsin, UNIT, id="arcsin"),
    pytest.param(u_arccos, UNIT, id="arccos"),
    pytest.param(u_arctan, ANY, id="arctan"),
    pytest.param(u_sinh, ANY, id="sinh"),
    pytest.param(u_cosh, ANY, id="cosh"),
    pytest.param(u_tanh, ANY, id="tanh"),
    pytest.param(u_exp, ANY, id="exp"),
    pytest.param(u_exp2, ANY, id="exp2"),
    pytest.param(u_expm1, ANY, id="expm1"),
    pytest.param(u_log, POS, id="log"),
    pytest.param(u_log2, POS, id="log2"),
    pytest.param(u_log10, POS, id="log10"),
    pytest.param(u_log1p, uniform(-0.8, 3.0), id="log1p"),
    pytest.param(u_sqrt, POS, id="sqrt"),
    pytest.param(u_reciprocal, away_from_zero, id="reciprocal"),
    pytest.param(u_arcsinh, ANY, id="arcsinh"),
    pytest.param(u_square, ANY, id="square"),
    pytest.param(u_abs, away_from_zero, id="abs"),
    pytest.param(u_absolute, away_from_zero, id="absolute"),
    pytest.param(u_fabs, away_from_zero, id="fabs"),
    pytest.param(u_expit, uniform(-4.0, 4.0), id="expit"),
    pytest.param(u_neg, ANY, id="unary-minus"),
    pytest.param(u_negative, ANY, id="negative"),
]


@pytest.mark.parametrize("f, gen", UNARY)
def test_unary_array(f, gen):
    """Elementwise on a (3, 4) array, pulled back with a random seed."""
    check_vjp(f, (gen((3, 4), 1),), (0,))


@pytest.mark.parametrize("f, gen", UNARY)
def test_unary_scalar(f, gen):
    """The same model on a Python float: grad of a scalar function."""
    for seed in (2, 3):
        check_grads(f, (gen((), seed),), wrt=0)


def test_sum_of_elementwise():
    check_grads(s_sum_sin, (np.linspace(-2, 2, 5),), wrt=0)
    check_grads(s_sum_log, (POS((2, 3), 4),), wrt=0)


# =============================================================================
# math.* functions and builtins on scalars
#   models: rules_models/scalars.py
# =============================================================================
MATH = [
    pytest.param(m_sin, ANY, id="sin"),
    pytest.param(m_cos, ANY, id="cos"),
    pytest.param(m_tan, uniform(-1.2, 1.2), id="tan"),
    pytest.param(m_asin, UNIT, id="asin"),
    pytest.param(m_acos, UNIT, id="acos"),
    pytest.param(m_atan, ANY, id="atan"),
    pytest.param(m_sinh, ANY, id="sinh"),
    pytest.param(m_cosh, ANY, id="cosh"),
    pytest.param(m_tanh, ANY, id="tanh"),
    pytest.param(m_exp, ANY, id="exp"),
    pytest.param(m_expm1, ANY, id="expm1"),
    pytest.param(m_log, POS, id="log"),
    pytest.param(m_log2, POS, id="log2"),
    pytest.param(m_log10, POS, id="log10"),
    pytest.param(m_log1p, uniform(-0.8, 3.0), id="log1p"),
    pytest.param(m_sqrt, POS, id="sqrt"),
    pytest.param(m_asinh, ANY, id="asinh"),
    pytest.param(m_fabs, away_from_zero, id="fabs"),
    pytest.param(mu_sin, ANY, id="sin-unannotated"),
    pytest.param(mu_exp, ANY, id="exp-unannotated"),
    pytest.param(mu_log, POS, id="log-unannotated"),
    pytest.param(mu_sqrt, POS, id="sqrt-unannotated"),
    pytest.param(mu_tanh, ANY, id="tanh-unannotated"),
    pytest.param(mu_fabs, away_from_zero, id="fabs-unannotated"),
]


@pytest.mark.parametrize("f, gen", MATH)
def test_math_scalar(f, gen):
    for seed in (5, 6, 7):
        check_grads(f, (gen((), seed),), wrt=0)


@pytest.mark.parametrize(
    "f", [m_pow, mu_pow, m_chain], ids=["pow", "pow-unannotated", "chain"]
)
def test_math_binary_scalar(f):
    for x, y in [(1.3, 0.7), (0.4, -1.6), (2.2, 2.5)]:
        check_grads(f, (x, y), wrt=(0, 1))


@pytest.mark.parametrize("f", [b_abs, bu_abs], ids=["annotated", "unannotated"])
def test_builtin_abs(f):
    for x in (-1.7, -0.3, 0.4, 2.5):
        check_grads(f, (x,), wrt=0)


@pytest.mark.parametrize(
    "f",
    [b_max, bu_max, b_min, bu_min, b_mix],
    ids=["max", "max-unannotated", "min", "min-unannotated", "mixed"],
)
def test_builtin_max_min(f):
    for x, y in [(1.3, 0.7), (-0.4, 1.6), (-2.2, -2.5), (0.9, 0.1)]:
        check_grads(f, (x, y), wrt=(0, 1))


# =============================================================================
# Arithmetic: powers, modulo, floordiv, nondifferentiable helpers
#   models: rules_models/arithmetic.py
# =============================================================================
POWERS = [
    pytest.param(p_square, ANY, id="x**2"),
    pytest.param(p_cube, ANY, id="x**3"),
    pytest.param(p_half, POS, id="x**0.5"),
    pytest.param(p_neg, POS, id="x**-1.5"),
    pytest.param(p_float_int, ANY, id="x**2.0-negative-base"),
    pytest.param(p_const_base, ANY, id="2.0**x"),
    pytest.param(p_self, POS, id="x**x"),
    pytest.param(p_np_power, ANY, id="np.power(x,3)"),
    pytest.param(p_module_const, ANY, id="x**POWER"),
]


@pytest.mark.parametrize("f, gen", POWERS)
def test_pow_constant_exponent(f, gen):
    check_grads(f, (gen((3, 4), 8),), wrt=0)


@pytest.mark.parametrize(
    "f", [p_scalar_param, p_scalar_param_u], ids=["annotated", "unannotated"]
)
@pytest.mark.parametrize("y", [2.0, 0.5, -1.3, 3.7])
def test_pow_scalar_exponent_parameter(f, y):
    """Array base (positive), scalar exponent: both differentiated."""
    check_grads(f, (POS((3, 4), 9), y), wrt=(0, 1))


def test_pow_array_exponent():
    check_grads(
        p_np_power_arr, (POS((3, 4), 10), uniform(-2, 2)((3, 4), 11)), wrt=(0, 1)
    )


def test_mod():
    x = np.array([[0.3, 1.7, 2.9], [4.1, -0.8, 5.3]])
    y = np.array([[1.3, 1.1, 2.2], [1.7, 1.4, 2.5]])
    frac = (x / y) % 1.0
    assert np.all((frac > 0.05) & (frac < 0.95))  # away from the jumps
    check_grads(a_mod, (x, y), wrt=(0, 1))
    check_grads(a_mod_const, (x,), wrt=0)
    assert np.all(((x / -y) % 1.0 > 0.05) & ((x / -y) % 1.0 < 0.95))
    check_grads(a_mod, (x, -y), wrt=(0, 1))  # negative divisor: x % y takes y's sign


def test_floordiv_has_no_gradient():
    x = np.array([[0.3, 1.7, 2.9], [4.1, -0.8, 5.3]])
    check_grads(a_floordiv, (x,), wrt=0)


def test_nondifferentiable_helpers():
    """sign, comparisons, ones_like, zeros, len, .shape, .size, arange: masks and shapes only."""
    x = away_from_zero((3, 4), 24)
    x = np.where(np.abs(x - 0.1) < 1e-2, x + 0.05, x)
    check_grads(a_nondifferentiable_helpers, (x,), wrt=0)


# =============================================================================
# Broadcasting in every elementwise binary operation
#   annotated (literal dims), annotated (symbolic dims), unannotated
#   models: rules_models/broadcast_{arith,pow,select}.py
# =============================================================================
COMBOS = {
    "34_4": ((3, 4), (4,)),
    "34_31": ((3, 4), (3, 1)),
    "34_14": ((3, 4), (1, 4)),
    "34_s": ((3, 4), ()),
    "234_34": ((2, 3, 4), (3, 4)),
    "4_34": ((4,), (3, 4)),
    "s_34": ((), (3, 4)),
    "31_14": ((3, 1), (1, 4)),
    "34_34": ((3, 4), (3, 4)),
}
SYMBOLIC = ("34_4", "34_31", "34_14", "234_34")
OPS = ("add", "sub", "mul", "div", "pow", "mod", "power", "maximum", "minimum", "where")


def binary_inputs(op, combo, seed=0):
    """Operands for ``op`` with the shapes of ``combo``, in the op's smooth region."""
    sa, sb = COMBOS[combo]
    out_shape = np.broadcast_shapes(sa, sb)
    for s in range(seed, seed + 200):
        r = np.random.default_rng(s)
        if op in ("pow", "power"):
            a, b = r.uniform(0.3, 2.0, sa), r.uniform(-2.0, 2.0, sb)
        elif op == "mod":
            a, b = r.uniform(-3.0, 5.0, sa), r.uniform(1.1, 2.5, sb)
        elif op == "div":
            a, b = r.uniform(-2.0, 2.0, sa), r.uniform(0.5, 2.0, sb) * r.choice(
                [-1.0, 1.0], sb
            )
        else:
            a, b = r.standard_normal(sa), r.standard_normal(sb)
        if op == "mod":
            frac = (a / b) % 1.0
            if not np.all((frac > 0.02) & (frac < 0.98)):
                continue
        if op in ("maximum", "minimum") and np.min(np.abs(a - b)) < 1e-3:
            continue
        a = float(a) if sa == () else a
        b = float(b) if sb == () else b
        if op == "where":
            c = r.standard_normal(out_shape) > 0
            return (c, a, b), (1, 2)
        return (a, b), (0, 1)
    raise AssertionError("no suitable inputs")


@pytest.mark.parametrize("combo", list(COMBOS))
@pytest.mark.parametrize("op", OPS)
def test_broadcast_annotated(op, combo):
    args, wrt = binary_inputs(op, combo)
    check_vjp(broadcast_model("bc", op, combo), args, wrt)


@pytest.mark.parametrize("combo", SYMBOLIC)
@pytest.mark.parametrize("op", OPS)
def test_broadcast_symbolic(op, combo):
    args, wrt = binary_inputs(op, combo)
    check_vjp(broadcast_model("bs", op, combo), args, wrt)


@pytest.mark.parametrize("combo", list(COMBOS))
@pytest.mark.parametrize("op", OPS)
def test_broadcast_unannotated(op, combo):
    args, wrt = binary_inputs(op, combo)
    check_vjp(broadcast_model("bu", op), args, wrt)


@pytest.mark.parametrize("combo", ["34_4", "34_31", "234_34", "s_34"])
@pytest.mark.parametrize("op", OPS)
def test_broadcast_scalar_loss(op, combo):
    """The same unannotated op under a scalar loss, through check_grads."""
    args, wrt = binary_inputs(op, combo)
    check_grads(broadcast_model("bl", op), args, wrt=wrt)


@pytest.mark.parametrize(
    "f",
    [np_add, np_subtract, np_multiply, np_divide, np_true_divide],
    ids=["add", "subtract", "multiply", "divide", "true_divide"],
)
@pytest.mark.parametrize("combo", ["34_4", "34_31", "234_34", "s_34"])
def test_numpy_arithmetic_functions(f, combo):
    args, wrt = binary_inputs("div", combo)
    check_vjp(f, args, wrt)


# =============================================================================
# np.where and np.clip
#   models: rules_models/arithmetic.py
# =============================================================================
def test_where_with_computed_condition():
    x, y = away_from_zero((3, 4), 12), ANY((3, 4), 13)
    check_vjp(w_leaky, (x,), (0,))
    x = np.where(np.abs(x - y) < 1e-3, x + 0.01, x)
    check_vjp(w_scalar_branch, (x, y), (0, 1))
    x = np.where(np.abs(x - 0.3) < 1e-3, x + 0.01, x)
    check_vjp(w_both, (x, y), (0, 1))


def clip_input(shape, lo, hi, seed):
    x = np.random.default_rng(seed).uniform(-2, 2, shape)
    bad = (np.abs(x - lo) < 1e-2) | (np.abs(x - hi) < 1e-2)
    return np.where(bad, x + 0.05, x)


@pytest.mark.parametrize(
    "f", [c_clip, c_clip_annotated], ids=["unannotated", "annotated"]
)
def test_clip_scalar_bounds(f):
    x = clip_input((3, 4), -0.5, 0.7, 14)
    assert np.any(x < -0.5) and np.any(x > 0.7) and np.any((x > -0.5) & (x < 0.7))
    check_vjp(f, (x, -0.5, 0.7), (0, 1, 2))


@pytest.mark.parametrize("f", [c_clip, c_clip_arrays], ids=["unannotated", "annotated"])
def test_clip_array_bounds(f):
    lo = np.array([-0.5, -1.0, 0.0, -0.2])
    hi = np.array([[0.7], [1.1], [0.3]])
    x = np.random.default_rng(15).uniform(-2, 2, (3, 4))
    x = np.where((np.abs(x - lo) < 1e-2) | (np.abs(x - hi) < 1e-2), x + 0.05, x)
    check_vjp(f, (x, lo, hi), (0, 1, 2))


def test_clip_constant_bounds():
    check_vjp(c_clip_const, (clip_input((3, 4), -0.5, 0.7, 16),), (0,))


# =============================================================================
# Reductions: sum mean max min logsumexp, axis x keepdims, and as methods
#   models: rules_models/reductions_axis.py, rules_models/reductions.py
# =============================================================================
# Axis spellings in the model names of rules_models/reductions_axis.py.
AXES = {"none": None, "0": 0, "1": 1, "m1": -1, "01": (0, 1)}
REDUCTIONS = ("sum", "mean", "max", "min", "logsumexp")


def distinct(shape, seed):
    """Values with no ties (max/min have a unique argmax)."""
    r = np.random.default_rng(seed)
    return (
        r.permutation(np.prod(shape)).reshape(shape) * 0.37
        - 1.5
        + r.uniform(0, 0.1, shape)
    )


@pytest.mark.parametrize("keepdims", [False, True], ids=["", "keepdims"])
@pytest.mark.parametrize("axis", list(AXES))
@pytest.mark.parametrize("red", REDUCTIONS)
def test_reduction(red, axis, keepdims):
    f = getattr(reductions_axis, f"r_{red}_{axis}_{'kd' if keepdims else 'nk'}")
    check_vjp(f, (distinct((3, 4), 17),), (0,))


@pytest.mark.parametrize(
    "f",
    [r3_sum_02, r3_mean_m2, r3_max_1m1, r3_min_2, r3_lse_02, r3_mean_02],
    ids=["sum(0,2)", "mean-2kd", "max(1,-1)kd", "min2", "logsumexp(0,2)", "mean(2,0)"],
)
def test_reduction_3d(f):
    check_vjp(f, (distinct((2, 3, 4), 18),), (0,))


METHODS = [
    pytest.param(me_sum0, id="x.sum(axis=0)"),
    pytest.param(me_sum, id="x.sum()"),
    pytest.param(me_sum_pos, id="x.sum(1,keepdims=True)"),
    pytest.param(me_mean, id="x.mean()"),
    pytest.param(me_mean1, id="x.mean(axis=1)"),
    pytest.param(me_max1, id="x.max(axis=1)"),
    pytest.param(me_max, id="x.max()"),
    pytest.param(me_min0, id="x.min(0)"),
    pytest.param(me_amax, id="np.amax(x,axis=0)"),
    pytest.param(me_amin, id="np.amin(x)"),
    pytest.param(me_np_defaults, id="np.sum+mean+max-min+logsumexp"),
]


@pytest.mark.parametrize("f", METHODS)
def test_reduction_methods(f):
    check_vjp(f, (distinct((3, 4), 19),), (0,))


@pytest.mark.parametrize(
    "f",
    [
        rb_log_softmax,
        rb_log_softmax_a,
        rb_center,
        rb_center_a,
        rb_normalize,
        rb_normalize_a,
        rb_stable_softmax,
        rb_stable_softmax_a,
    ],
    ids=[
        "log_softmax",
        "log_softmax-annotated",
        "center",
        "center-annotated",
        "normalize",
        "normalize-annotated",
        "softmax",
        "softmax-annotated",
    ],
)
def test_reduction_then_broadcast(f):
    check_vjp(f, (POS((3, 4), 20),), (0,))


# =============================================================================
# Linear algebra: @, matmul, dot, outer, trace
#   models: rules_models/linalg.py
# =============================================================================
LINALG = [
    pytest.param(la_mm, (R(3, 4), R(4, 2)), id="2d@2d"),
    pytest.param(la_mm_22, (R(3, 4), R(4, 2)), id="2d@2d-annotated"),
    pytest.param(la_mm, (R(4), R(4, 2)), id="1d@2d"),
    pytest.param(la_mm_12, (R(4), R(4, 2)), id="1d@2d-annotated"),
    pytest.param(la_mm, (R(3, 4), R(4)), id="2d@1d"),
    pytest.param(la_mm_21, (R(3, 4), R(4)), id="2d@1d-annotated"),
    pytest.param(la_mm, (R(4), R(4)), id="1d@1d"),
    pytest.param(la_mm_11, (R(4), R(4)), id="1d@1d-annotated"),
    pytest.param(la_mm, (R(2, 3, 4), R(4, 5)), id="3d@2d"),
    pytest.param(la_mm_32, (R(2, 3, 4), R(4, 5)), id="3d@2d-annotated"),
    pytest.param(la_mm, (R(2, 3, 4), R(2, 4, 5)), id="3d@3d"),
    pytest.param(la_mm, (R(3, 4), R(2, 4, 5)), id="2d@3d"),
    pytest.param(la_mm, (R(4), R(2, 4, 5)), id="1d@3d"),
    pytest.param(la_mm, (R(2, 3, 4), R(4)), id="3d@1d"),
    pytest.param(la_mm, (R(2, 1, 3, 4), R(3, 4, 2)), id="4d@3d-batch-broadcast"),
    pytest.param(la_matmul, (R(3, 4), R(4, 2)), id="np.matmul"),
    pytest.param(la_matmul_22, (R(3, 4), R(4, 2)), id="np.matmul-annotated"),
    pytest.param(la_matmul, (R(2, 3, 4), R(4, 5)), id="np.matmul-3d@2d"),
    pytest.param(la_dot, (R(3, 4), R(4, 2)), id="dot-2d2d"),
    pytest.param(la_dot_22, (R(3, 4), R(4, 2)), id="dot-2d2d-annotated"),
    pytest.param(la_dot, (R(4), R(4, 2)), id="dot-1d2d"),
    pytest.param(la_dot_12, (R(4), R(4, 2)), id="dot-1d2d-annotated"),
    pytest.param(la_dot, (R(3, 4), R(4)), id="dot-2d1d"),
    pytest.param(la_dot_21, (R(3, 4), R(4)), id="dot-2d1d-annotated"),
    pytest.param(la_dot, (R(4), R(4)), id="dot-1d1d"),
    pytest.param(la_dot_11, (R(4), R(4)), id="dot-1d1d-annotated"),
    pytest.param(la_dot, (R(2, 3, 4), R(4, 2)), id="dot-3d2d"),
    pytest.param(la_dot, (R(2, 3, 4), R(4)), id="dot-3d1d"),
    pytest.param(la_dot, (R(3, 4), R(2, 4, 5)), id="dot-2d3d"),
    pytest.param(la_dot, (R(2, 3, 4), R(2, 4, 5)), id="dot-3d3d"),
    pytest.param(la_dot_method, (R(3, 4), R(4, 2)), id="a.dot(b)"),
    pytest.param(la_dot_scalar, (1.7, R(3, 4)), id="dot-scalar-annotated"),
    pytest.param(la_dot_scalar_u, (1.7, R(3, 4)), id="dot-scalar"),
    pytest.param(la_mm_chain, (R(3, 4), R(4, 2), R(2)), id="chain"),
    pytest.param(la_mm_chain_a, (R(3, 4), R(4, 2), R(2)), id="chain-annotated"),
]


@pytest.mark.parametrize("f, args", LINALG)
def test_matmul_dot(f, args):
    check_vjp(f, args, range(len(args)))


@pytest.mark.parametrize("f", [la_outer, la_outer_a], ids=["unannotated", "annotated"])
def test_outer(f):
    check_vjp(f, (R(3, seed=1), R(4, seed=2)), (0, 1))


@pytest.mark.parametrize(
    "shapes",
    [((2, 2), (3,)), ((3,), (2, 2)), ((2, 3), (2, 1))],
    ids=["2d-1d", "1d-2d", "2d-2d"],
)
def test_outer_flattens_its_operands(shapes):
    """np.outer(x, y) is defined on the flattened operands, whatever their shapes."""
    check_vjp(la_outer_flattens, (R(*shapes[0], seed=8), R(*shapes[1], seed=9)), (0, 1))


def test_trace_3d():
    """np.trace of a 3-D array: the traces of x[:, :, k] (axis1=0, axis2=1)."""
    check_vjp(la_trace_3d, (R(3, 3, 2, seed=10),), (0,))


@pytest.mark.parametrize(
    "x", [R(3, 3, seed=3), R(3, 4, seed=4), R(4, 3, seed=5)], ids=["3x3", "3x4", "4x3"]
)
def test_trace(x):
    check_grads(la_trace, (x,), wrt=0)
    if x.shape == (3, 4):
        check_grads(la_trace_a, (x,), wrt=0)


def test_trace_of_product():
    check_grads(la_trace_product, (R(3, 4, seed=6), R(4, 3, seed=7)), wrt=(0, 1))


# =============================================================================
# Shape operations: transpose, reshape, concatenate, stack
#   models: rules_models/shapes.py
# =============================================================================
SHAPE_OPS = [
    pytest.param(sh_T, (R(3, 4),), id="x.T"),
    pytest.param(sh_T_a, (R(3, 4),), id="x.T-annotated"),
    pytest.param(sh_transpose, (R(3, 4),), id="np.transpose(x)"),
    pytest.param(sh_transpose_102, (R(2, 3, 4),), id="np.transpose(x,(1,0,2))"),
    pytest.param(sh_transpose_201, (R(2, 3, 4),), id="np.transpose(x,(2,0,1))"),
    pytest.param(
        sh_transpose_201_a, (R(2, 3, 4),), id="np.transpose(x,(2,0,1))-annotated"
    ),
    pytest.param(sh_transpose_method, (R(2, 3, 4),), id="x.transpose(1,2,0)"),
    pytest.param(sh_transpose_method_noargs, (R(2, 3, 4),), id="x.transpose()"),
    pytest.param(sh_T_3d, (R(2, 3, 4),), id="x.T-3d"),
    pytest.param(sh_reshape_method, (R(3, 4),), id="x.reshape(2,6)"),
    pytest.param(sh_reshape_tuple, (R(3, 4),), id="x.reshape((6,2))"),
    pytest.param(sh_reshape_np, (R(3, 4),), id="np.reshape(x,(4,3))"),
    pytest.param(sh_reshape_minus1, (R(3, 4),), id="np.reshape(x,(2,-1))"),
    pytest.param(sh_reshape_flat, (R(3, 4),), id="x.reshape(-1)"),
    pytest.param(sh_reshape_then, (R(3, 4),), id="reshape-then-broadcast"),
    pytest.param(sh_concat0, (R(2, 3), R(4, 3)), id="concatenate-axis0"),
    pytest.param(sh_concat1, (R(3, 2), R(3, 4)), id="concatenate-axis1"),
    pytest.param(sh_concat_default, (R(2, 3), R(1, 3)), id="concatenate-default"),
    pytest.param(sh_concat_three, (R(3, 2), R(3, 2)), id="concatenate-three-axis-1"),
    pytest.param(sh_concat_same, (R(3, 2), R(3, 1)), id="concatenate-repeated"),
    pytest.param(sh_stack0, (R(3, 4), R(3, 4)), id="stack-axis0"),
    pytest.param(sh_stack1, (R(3, 4), R(3, 4)), id="stack-axis1"),
    pytest.param(sh_stack_m1, (R(3, 4), R(3, 4)), id="stack-axis-1"),
    pytest.param(
        sh_stack_default,
        (
            R(
                3,
            ),
            R(
                3,
            ),
        ),
        id="stack-default",
    ),
    pytest.param(sh_stack_same, (R(3, 4), R(3, 4)), id="stack-repeated"),
    pytest.param(sh_transpose_negative, (R(2, 3, 4),), id="np.transpose(x,(-1,0,1))"),
    pytest.param(
        sh_transpose_keyword, (R(2, 3, 4),), id="np.transpose(x,axes=(1,2,0))"
    ),
    pytest.param(sh_concat_flat, (R(2, 2), R(3)), id="concatenate-axis-None"),
]


@pytest.mark.parametrize("f, args", SHAPE_OPS)
def test_shape_ops(f, args):
    check_vjp(f, args, range(len(args)))


# =============================================================================
# Indexing
#   models: rules_models/indexing.py
# =============================================================================
INDEXING = [
    pytest.param(ix_0, R(3, 4), id="x[0]"),
    pytest.param(ix_last, R(3, 4), id="x[-1]"),
    pytest.param(ix_slice, R(4, 3), id="x[1:3]"),
    pytest.param(ix_col, R(3, 4), id="x[:,0]"),
    pytest.param(ix_newaxis, R(3, 4), id="x[:,None]"),
    pytest.param(ix_np_newaxis, R(3, 4), id="x[np.newaxis,:,1]"),
    pytest.param(ix_step, R(5, 2), id="x[::2]"),
    pytest.param(ix_reverse, R(4, 2), id="x[::-1]"),
    pytest.param(ix_block, R(3, 4), id="x[1:,:2]"),
    pytest.param(ix_ellipsis, R(2, 3, 4), id="x[...,1]"),
    pytest.param(ix_element, R(3, 4), id="x[-1,-2]"),
    pytest.param(ix_chain, R(3, 4), id="x[1][2:]"),
    pytest.param(ix_fancy_repeated, R(3, 4), id="x[[0,0,2]]"),
    pytest.param(ix_3d, R(2, 3, 5), id="x[:,1,::2]"),
    pytest.param(ix_broadcast, R(4), id="x[:,None]*x[None,:]"),
]


@pytest.mark.parametrize("f, x", INDEXING)
def test_indexing(f, x):
    check_vjp(f, (x,), (0,))


@pytest.mark.parametrize("f", [ix_param, ix_param_u], ids=["annotated", "unannotated"])
@pytest.mark.parametrize("i", [0, 2, -1])
def test_index_by_int_parameter(f, i):
    check_vjp(f, (R(3, 4, seed=21), i), (0,))


def test_index_by_boolean_mask_parameter():
    x = R(3, 4, seed=25)
    check_vjp(ix_mask, (x, x > 0.2), (0,))


def test_index_by_two_int_parameters():
    check_vjp(ix_param2, (R(4, 4, seed=22), 1, 3), (0,))
    check_vjp(ix_param_slice, (R(4, 4, seed=23), 2), (0,))


# =============================================================================
# Program structure: reuse, re-assignment, augmented assignment, unpacking,
# helpers, module constants
#   models: rules_models/structure.py
# =============================================================================
STRUCTURE = [
    pytest.param(st_reuse, (ANY((3, 4), 30),), id="repeated-use"),
    pytest.param(st_reassign, (ANY((3, 4), 31),), id="re-assignment"),
    pytest.param(st_augmented, (ANY((3, 4), 32), ANY((4,), 33)), id="augmented"),
    pytest.param(
        st_augmented_more, (ANY((3, 4), 34), ANY((4, 4), 35)), id="augmented-pow-matmul"
    ),
    pytest.param(st_augmented_param, (1.3, 0.7), id="augmented-on-parameters"),
    pytest.param(st_tuple, (ANY((3, 4), 38), ANY((3, 4), 39)), id="tuple-unpacking"),
    pytest.param(st_swap, (ANY((3, 4), 40), ANY((3, 4), 41)), id="swap"),
    pytest.param(st_unpack_array, (ANY((3, 4), 42),), id="unpack-array-rows"),
    pytest.param(st_unpack_helper, (ANY((3, 4), 43),), id="unpack-helper-tuple"),
    pytest.param(st_unpack_list, (ANY((3, 4), 44), ANY((3, 4), 45)), id="unpack-list"),
    pytest.param(st_relu, (away_from_zero((3, 4), 46),), id="relu-helper"),
    pytest.param(
        st_relu_twice,
        (away_from_zero((3, 4), 47), uniform(0.5, 2.0)((3, 4), 48)),
        id="relu-helper-twice",
    ),
    pytest.param(
        st_nested,
        (R(5, 3, seed=49), R(3, 4, seed=50), R(4, seed=51), R(4, 2, seed=52)),
        id="nested-helpers",
    ),
    pytest.param(
        st_helper_keywords,
        (R(5, 3, seed=53), R(3, 4, seed=54), R(4, seed=55)),
        id="helper-keywords",
    ),
    pytest.param(st_shadow, (ANY((3, 4), 56),), id="helper-locals-shadow"),
    pytest.param(st_constants, (ANY((3, 4), 57),), id="module-constants"),
    pytest.param(st_constant_list, (ANY((2, 3), 58),), id="module-constant-list"),
    pytest.param(st_constant_tuple, (ANY((3, 2), 59),), id="module-constant-tuple"),
    pytest.param(st_docstring, (ANY((3,), 60),), id="docstring"),
    pytest.param(st_annotated_assign, (ANY((3,), 61),), id="annotated-assignment"),
    pytest.param(
        st_shadow_after_helper,
        (ANY((3, 4), 66),),
        id="helper-locals-shadow-then-caller-reads",
    ),
    pytest.param(
        st_helper_reassigns_param,
        (ANY((3, 4), 67),),
        id="helper-reassigns-its-parameter",
    ),
    pytest.param(
        st_names_like_generated,
        (ANY((3, 4), 68), ANY((3, 4), 69)),
        id="user-names-like-generated-names",
    ),
    pytest.param(
        st_names_like_runtime,
        (ANY((3, 4), 70), ANY((4,), 71)),
        id="user-names-like-runtime-helpers",
    ),
    pytest.param(st_alias, (ANY((3, 4), 72),), id="alias-y=x"),
]


@pytest.mark.parametrize("f, args", STRUCTURE)
def test_program_structure(f, args):
    check_grads(f, args, wrt=tuple(range(len(args))))


@pytest.mark.parametrize(
    "f", [st_identity, st_identity_helper], ids=["return-parameter", "relu(x)-relu(-x)"]
)
def test_identity_models(f):
    check_vjp(f, (away_from_zero((3, 4), 73),), (0,))


def test_constant_output_has_zero_gradient():
    x = ANY((3, 4), 74)
    g = adgen.grad(st_constant_output)(x)
    assert np.shape(g) == (3, 4)
    np.testing.assert_array_equal(g, np.zeros((3, 4)))


def test_gradient_of_unused_parameter_is_zero():
    x, y = ANY((3, 4), 62), ANY((2, 5), 63)
    gx, gy = adgen.grad(st_unused_param, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, np.cos(x), rtol=1e-12)
    assert np.shape(gy) == (2, 5)
    np.testing.assert_array_equal(gy, np.zeros((2, 5)))


def test_wrt_by_name_and_order():
    x, y = ANY((3, 4), 64), ANY((4,), 65)
    gy, gx = adgen.grad(st_augmented, wrt=("y", "x"))(x, y)
    np.testing.assert_allclose(
        gx, numerical_grad(st_augmented, (x, y), 0), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        gy, numerical_grad(st_augmented, (x, y), 1), rtol=1e-6, atol=1e-8
    )


# =============================================================================
# Conventions at kinks: closed forms, not finite differences
#   models: rules_models/kinks.py
# =============================================================================
KINK_X = np.array([-1.5, 0.0, 0.0, 2.0, -0.0])
RELU_GRAD = np.array([0.0, 0.0, 0.0, 1.0, 0.0])


@pytest.mark.parametrize(
    "f",
    [
        k_max_right,
        k_max_left,
        k_max_float,
        k_relu,
        k_relu_left,
        k_relu_mask,
        k_relu_where,
    ],
    ids=[
        "maximum(x,0)",
        "maximum(0,x)",
        "maximum(x,0.0)",
        "relu-helper",
        "relu-helper-maximum(0,z)",
        "relu-helper-mask",
        "relu-helper-where",
    ],
)
def test_kink_relu_is_zero_at_zero(f):
    g = adgen.grad(f)(KINK_X.copy())
    np.testing.assert_array_equal(g, RELU_GRAD)


@pytest.mark.parametrize(
    "f", [k_min_right, k_min_left], ids=["minimum(x,0)", "minimum(0.0,x)"]
)
def test_kink_minimum_is_zero_at_tie(f):
    """The gradient of minimum goes to the strictly smaller operand: none at a tie."""
    np.testing.assert_array_equal(
        adgen.grad(f)(KINK_X.copy()), np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    )


def test_kink_max_min_share_ties_equally():
    """max/min reductions share the adjoint equally among the entries attaining the extremum."""
    np.testing.assert_array_equal(
        adgen.grad(k_max_ties)(np.array([1.0, 3.0, 3.0, -2.0])), [0.0, 0.5, 0.5, 0.0]
    )
    x = np.array([[1.0, 1.0, 1.0], [2.0, 0.5, 0.7]])
    expected = np.array([[1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0]])
    np.testing.assert_allclose(adgen.grad(k_min_ties_axis)(x), expected, rtol=1e-15)


def test_kink_abs_is_zero_at_zero():
    np.testing.assert_array_equal(
        adgen.grad(k_abs)(KINK_X.copy()), np.array([-1.0, 0.0, 0.0, 1.0, 0.0])
    )


@pytest.mark.parametrize(
    "f",
    [k_abs_builtin, k_fabs, k_max_builtin, k_max_builtin_left],
    ids=["abs", "math.fabs", "max(x,0.0)", "max(0.0,x)"],
)
def test_kink_scalar_at_zero(f):
    assert float(adgen.grad(f)(0.0)) == 0.0
    assert float(adgen.grad(f)(2.0)) == 1.0


def test_kink_clip_passes_gradient_on_closed_interval():
    x = np.array([-2.0, -1.0, 0.3, 1.0, 2.0])
    np.testing.assert_array_equal(
        adgen.grad(k_clip)(x), np.array([0.0, 1.0, 1.0, 1.0, 0.0])
    )


# =============================================================================
# float32 inputs
#   models: rules_models/float32.py
# =============================================================================
FLOAT32 = [
    pytest.param(f32_sin, id="sum(sin(x)*x)"),
    pytest.param(f32_mean, id="mean(x*x)"),
    pytest.param(f32_max, id="max(axis=1).sum()"),
    pytest.param(f32_index, id="x[1:,0]**2"),
    pytest.param(f32_matmul, id="tanh(x@x.T)"),
    pytest.param(f32_logsumexp, id="logsumexp"),
    pytest.param(f32_pow_constant_base, id="sum(2.0**x)"),
    pytest.param(f32_logsumexp_axis_output, id="logsumexp(x[1],axis=-1)"),
    pytest.param(f32_math_of_element, id="math.sin(math.tanh(x[0,1]))"),
    pytest.param(f32_logsumexp_plus_element, id="logsumexp(x)+x[0,0]"),
    pytest.param(f32_maximum_of_elements, id="-maximum(x[0,1],0.5*x[1,2])"),
]


@pytest.mark.parametrize("f", FLOAT32)
def test_float32_input(f):
    x64 = distinct((3, 4), 70)
    x = x64.astype(np.float32)
    g = adgen.grad(f)(x)
    assert np.shape(g) == x.shape
    assert np.asarray(g).dtype == np.float32
    expected = numerical_grad(f, (x.astype(np.float64),), 0)
    np.testing.assert_allclose(
        np.asarray(g, dtype=np.float64), expected, rtol=1e-4, atol=1e-5
    )


def test_float32_broadcast():
    a = R(3, 4, seed=71).astype(np.float32)
    b = R(4, seed=72).astype(np.float32)
    ga, gb = adgen.grad(f32_broadcast, wrt=(0, 1))(a, b)
    assert np.shape(ga) == (3, 4) and np.shape(gb) == (4,)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    c = np.cos(a64 * b64 + b64)
    np.testing.assert_allclose(ga, c * b64, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        gb, np.sum(c * (a64 + 1.0), axis=0), rtol=1e-4, atol=1e-5
    )
