"""Every primitive of adgen's rule table, checked against central finite differences.

The models are defined at the top level of this file, because adgen compiles a
function from its source file.  Each table below has one row per primitive (or
per variant of one), so the tests mirror ``adgen/rules.py``:

* a model returning a scalar is checked with ``adgen.testing.check_grads``;
* a model returning an array is checked through ``adgen.vjp`` with a random
  seed ``v``: the pullback must equal the finite-difference gradient of
  ``sum(v * f(...))`` (``numerical_grad``), and the forward value must equal the
  plain Python call of the model;
* conventions at kinks (where finite differences are meaningless) are checked
  against hand-worked closed forms.

Nothing compares adgen against itself.
"""

import math

import numpy as np
import pytest
from scipy.special import expit, logsumexp

import adgen
from adgen.testing import check_grads, numerical_grad

# --- module-level literal constants, read statically by adgen ----------------
SCALE = 0.5
OFFSET = -1.25
POWER = 3
WEIGHTS = [0.5, -1.0, 2.0]
PAIR = (2.0, -0.5)


# =============================================================================
# Test harness (plain numpy; independent of adgen)
# =============================================================================
def check_vjp(f, args, argnums, seed=0, rtol=1e-5, atol=1e-7):
    """adgen's pullback of a random seed vs finite differences of sum(seed * f)."""
    argnums = tuple(argnums)
    out, pullback = adgen.vjp(f, wrt=argnums)(*args)
    np.testing.assert_allclose(out, f(*args), rtol=1e-12, atol=1e-12, err_msg="forward value")
    v = np.random.default_rng(seed + 1000).standard_normal(np.shape(out))
    grads = pullback(v)
    assert len(grads) == len(argnums)
    for k, g in zip(argnums, grads):
        assert np.shape(g) == np.shape(args[k]), f"gradient of argument {k}: shape {np.shape(g)} != {np.shape(args[k])}"
        expected = numerical_grad(lambda *a: np.sum(v * f(*a)), args, k)
        np.testing.assert_allclose(np.asarray(g, dtype=np.float64), expected, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of argument {k}")


def uniform(lo, hi):
    """Input generator: shape, seed -> uniform samples in (lo, hi)."""
    def gen(shape, seed):
        x = np.random.default_rng(seed).uniform(lo, hi, size=shape)
        return float(x) if shape == () else x
    return gen


def away_from_zero(shape, seed):
    """Uniform in (-2, -0.2) U (0.2, 2): no kink of abs nearby."""
    r = np.random.default_rng(seed)
    x = r.uniform(0.2, 2.0, size=shape) * r.choice([-1.0, 1.0], size=shape)
    return float(x) if shape == () else x


ANY = uniform(-2.0, 2.0)
POS = uniform(0.2, 3.0)
UNIT = uniform(-0.9, 0.9)


# =============================================================================
# Elementwise unary functions: numpy, scipy.special, unary minus
# =============================================================================
def u_sin(x):
    return np.sin(x)


def u_cos(x):
    return np.cos(x)


def u_tan(x):
    return np.tan(x)


def u_arcsin(x):
    return np.arcsin(x)


def u_arccos(x):
    return np.arccos(x)


def u_arctan(x):
    return np.arctan(x)


def u_sinh(x):
    return np.sinh(x)


def u_cosh(x):
    return np.cosh(x)


def u_tanh(x):
    return np.tanh(x)


def u_exp(x):
    return np.exp(x)


def u_exp2(x):
    return np.exp2(x)


def u_expm1(x):
    return np.expm1(x)


def u_log(x):
    return np.log(x)


def u_log2(x):
    return np.log2(x)


def u_log10(x):
    return np.log10(x)


def u_log1p(x):
    return np.log1p(x)


def u_sqrt(x):
    return np.sqrt(x)


def u_square(x):
    return np.square(x)


def u_abs(x):
    return np.abs(x)


def u_absolute(x):
    return np.absolute(x)


def u_fabs(x):
    return np.fabs(x)


def u_expit(x):
    return expit(x)


def u_neg(x):
    return -x


def u_negative(x):
    return np.negative(x)


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


def s_sum_sin(x):
    return np.sum(np.sin(x))


def s_sum_log(x):
    return np.sum(np.log(x))


def test_sum_of_elementwise():
    check_grads(s_sum_sin, (np.linspace(-2, 2, 5),), wrt=0)
    check_grads(s_sum_log, (POS((2, 3), 4),), wrt=0)


# =============================================================================
# math.* functions and builtins on scalars
# =============================================================================
def m_sin(x: float):
    return math.sin(x)


def m_cos(x: float):
    return math.cos(x)


def m_tan(x: float):
    return math.tan(x)


def m_asin(x: float):
    return math.asin(x)


def m_acos(x: float):
    return math.acos(x)


def m_atan(x: float):
    return math.atan(x)


def m_sinh(x: float):
    return math.sinh(x)


def m_cosh(x: float):
    return math.cosh(x)


def m_tanh(x: float):
    return math.tanh(x)


def m_exp(x: float):
    return math.exp(x)


def m_expm1(x: float):
    return math.expm1(x)


def m_log(x: float):
    return math.log(x)


def m_log2(x: float):
    return math.log2(x)


def m_log10(x: float):
    return math.log10(x)


def m_log1p(x: float):
    return math.log1p(x)


def m_sqrt(x: float):
    return math.sqrt(x)


def m_fabs(x: float):
    return math.fabs(x)


def mu_sin(x):
    return math.sin(x)


def mu_exp(x):
    return math.exp(x)


def mu_log(x):
    return math.log(x)


def mu_sqrt(x):
    return math.sqrt(x)


def mu_tanh(x):
    return math.tanh(x)


def mu_fabs(x):
    return math.fabs(x)


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


def m_pow(x: float, y: float):
    return math.pow(x, y)


def mu_pow(x, y):
    return math.pow(x, y)


def m_chain(x: float, y: float):
    z = math.exp(math.sin(x) * y) + math.sqrt(x * x + 1.0)
    return math.log(z) * math.tanh(y) - math.atan(x / y)


def b_abs(x: float):
    return abs(x)


def bu_abs(x):
    return abs(x)


def b_max(x: float, y: float):
    return max(x, y)


def bu_max(x, y):
    return max(x, y)


def b_min(x: float, y: float):
    return min(x, y)


def bu_min(x, y):
    return min(x, y)


def b_mix(x: float, y: float):
    return abs(x) * max(x, y) + min(x * y, 0.25) + max(SCALE, y)


@pytest.mark.parametrize("f", [m_pow, mu_pow, m_chain], ids=["pow", "pow-unannotated", "chain"])
def test_math_binary_scalar(f):
    for x, y in [(1.3, 0.7), (0.4, -1.6), (2.2, 2.5)]:
        check_grads(f, (x, y), wrt=(0, 1))


@pytest.mark.parametrize("f", [b_abs, bu_abs], ids=["annotated", "unannotated"])
def test_builtin_abs(f):
    for x in (-1.7, -0.3, 0.4, 2.5):
        check_grads(f, (x,), wrt=0)


@pytest.mark.parametrize("f", [b_max, bu_max, b_min, bu_min, b_mix],
                         ids=["max", "max-unannotated", "min", "min-unannotated", "mixed"])
def test_builtin_max_min(f):
    for x, y in [(1.3, 0.7), (-0.4, 1.6), (-2.2, -2.5), (0.9, 0.1)]:
        check_grads(f, (x, y), wrt=(0, 1))


# =============================================================================
# Arithmetic: powers, modulo, constants
# =============================================================================
def p_square(x):
    return np.sum(x**2)


def p_cube(x):
    return np.sum(x**3)


def p_half(x):
    return np.sum(x**0.5)


def p_neg(x):
    return np.sum(x**-1.5)


def p_float_int(x):
    return np.sum(x**2.0)


def p_const_base(x):
    return np.sum(2.0**x)


def p_self(x):
    return np.sum(x**x)


def p_np_power(x):
    return np.sum(np.power(x, 3))


def p_np_power_arr(x, y):
    return np.sum(np.power(x, y))


def p_module_const(x):
    return np.sum(x**POWER)


def p_scalar_param(x, y: float):
    return np.sum(x**y)


def p_scalar_param_u(x, y):
    return np.sum(x**y)


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


@pytest.mark.parametrize("f", [p_scalar_param, p_scalar_param_u], ids=["annotated", "unannotated"])
@pytest.mark.parametrize("y", [2.0, 0.5, -1.3, 3.7])
def test_pow_scalar_exponent_parameter(f, y):
    """Array base (positive), scalar exponent: both differentiated."""
    check_grads(f, (POS((3, 4), 9), y), wrt=(0, 1))


def test_pow_array_exponent():
    check_grads(p_np_power_arr, (POS((3, 4), 10), uniform(-2, 2)((3, 4), 11)), wrt=(0, 1))


def a_mod(x, y):
    return np.sum(np.sin(x % y))


def a_mod_const(x):
    return np.sum(np.sin(x % 1.5))


def test_mod():
    x = np.array([[0.3, 1.7, 2.9], [4.1, -0.8, 5.3]])
    y = np.array([[1.3, 1.1, 2.2], [1.7, 1.4, 2.5]])
    frac = (x / y) % 1.0
    assert np.all((frac > 0.05) & (frac < 0.95))  # away from the jumps
    check_grads(a_mod, (x, y), wrt=(0, 1))
    check_grads(a_mod_const, (x,), wrt=0)


# =============================================================================
# Broadcasting in every elementwise binary operation
#   annotated (literal dims), annotated (symbolic dims), unannotated
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
            a, b = r.uniform(-2.0, 2.0, sa), r.uniform(0.5, 2.0, sb) * r.choice([-1.0, 1.0], sb)
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


# --- add: a + b
def bu_add(a, b):
    return a + b


def bl_add(a, b):
    return np.sum(np.sin(a + b))


def bc_add_34_4(a: "3 4", b: "4"):
    return a + b


def bc_add_34_31(a: "3 4", b: "3 1"):
    return a + b


def bc_add_34_14(a: "3 4", b: "1 4"):
    return a + b


def bc_add_34_s(a: "3 4", b: float):
    return a + b


def bc_add_234_34(a: "2 3 4", b: "3 4"):
    return a + b


def bc_add_4_34(a: "4", b: "3 4"):
    return a + b


def bc_add_s_34(a: float, b: "3 4"):
    return a + b


def bc_add_31_14(a: "3 1", b: "1 4"):
    return a + b


def bc_add_34_34(a: "3 4", b: "3 4"):
    return a + b


def bs_add_34_4(a: "n m", b: "m"):
    return a + b


def bs_add_34_31(a: "n m", b: "n 1"):
    return a + b


def bs_add_34_14(a: "n m", b: "1 m"):
    return a + b


def bs_add_234_34(a: "k n m", b: "n m"):
    return a + b


# --- sub: a - b
def bu_sub(a, b):
    return a - b


def bl_sub(a, b):
    return np.sum(np.sin(a - b))


def bc_sub_34_4(a: "3 4", b: "4"):
    return a - b


def bc_sub_34_31(a: "3 4", b: "3 1"):
    return a - b


def bc_sub_34_14(a: "3 4", b: "1 4"):
    return a - b


def bc_sub_34_s(a: "3 4", b: float):
    return a - b


def bc_sub_234_34(a: "2 3 4", b: "3 4"):
    return a - b


def bc_sub_4_34(a: "4", b: "3 4"):
    return a - b


def bc_sub_s_34(a: float, b: "3 4"):
    return a - b


def bc_sub_31_14(a: "3 1", b: "1 4"):
    return a - b


def bc_sub_34_34(a: "3 4", b: "3 4"):
    return a - b


def bs_sub_34_4(a: "n m", b: "m"):
    return a - b


def bs_sub_34_31(a: "n m", b: "n 1"):
    return a - b


def bs_sub_34_14(a: "n m", b: "1 m"):
    return a - b


def bs_sub_234_34(a: "k n m", b: "n m"):
    return a - b


# --- mul: a * b
def bu_mul(a, b):
    return a * b


def bl_mul(a, b):
    return np.sum(np.sin(a * b))


def bc_mul_34_4(a: "3 4", b: "4"):
    return a * b


def bc_mul_34_31(a: "3 4", b: "3 1"):
    return a * b


def bc_mul_34_14(a: "3 4", b: "1 4"):
    return a * b


def bc_mul_34_s(a: "3 4", b: float):
    return a * b


def bc_mul_234_34(a: "2 3 4", b: "3 4"):
    return a * b


def bc_mul_4_34(a: "4", b: "3 4"):
    return a * b


def bc_mul_s_34(a: float, b: "3 4"):
    return a * b


def bc_mul_31_14(a: "3 1", b: "1 4"):
    return a * b


def bc_mul_34_34(a: "3 4", b: "3 4"):
    return a * b


def bs_mul_34_4(a: "n m", b: "m"):
    return a * b


def bs_mul_34_31(a: "n m", b: "n 1"):
    return a * b


def bs_mul_34_14(a: "n m", b: "1 m"):
    return a * b


def bs_mul_234_34(a: "k n m", b: "n m"):
    return a * b


# --- div: a / b
def bu_div(a, b):
    return a / b


def bl_div(a, b):
    return np.sum(np.sin(a / b))


def bc_div_34_4(a: "3 4", b: "4"):
    return a / b


def bc_div_34_31(a: "3 4", b: "3 1"):
    return a / b


def bc_div_34_14(a: "3 4", b: "1 4"):
    return a / b


def bc_div_34_s(a: "3 4", b: float):
    return a / b


def bc_div_234_34(a: "2 3 4", b: "3 4"):
    return a / b


def bc_div_4_34(a: "4", b: "3 4"):
    return a / b


def bc_div_s_34(a: float, b: "3 4"):
    return a / b


def bc_div_31_14(a: "3 1", b: "1 4"):
    return a / b


def bc_div_34_34(a: "3 4", b: "3 4"):
    return a / b


def bs_div_34_4(a: "n m", b: "m"):
    return a / b


def bs_div_34_31(a: "n m", b: "n 1"):
    return a / b


def bs_div_34_14(a: "n m", b: "1 m"):
    return a / b


def bs_div_234_34(a: "k n m", b: "n m"):
    return a / b


# --- pow: a ** b
def bu_pow(a, b):
    return a ** b


def bl_pow(a, b):
    return np.sum(np.sin(a ** b))


def bc_pow_34_4(a: "3 4", b: "4"):
    return a ** b


def bc_pow_34_31(a: "3 4", b: "3 1"):
    return a ** b


def bc_pow_34_14(a: "3 4", b: "1 4"):
    return a ** b


def bc_pow_34_s(a: "3 4", b: float):
    return a ** b


def bc_pow_234_34(a: "2 3 4", b: "3 4"):
    return a ** b


def bc_pow_4_34(a: "4", b: "3 4"):
    return a ** b


def bc_pow_s_34(a: float, b: "3 4"):
    return a ** b


def bc_pow_31_14(a: "3 1", b: "1 4"):
    return a ** b


def bc_pow_34_34(a: "3 4", b: "3 4"):
    return a ** b


def bs_pow_34_4(a: "n m", b: "m"):
    return a ** b


def bs_pow_34_31(a: "n m", b: "n 1"):
    return a ** b


def bs_pow_34_14(a: "n m", b: "1 m"):
    return a ** b


def bs_pow_234_34(a: "k n m", b: "n m"):
    return a ** b


# --- mod: a % b
def bu_mod(a, b):
    return a % b


def bl_mod(a, b):
    return np.sum(np.sin(a % b))


def bc_mod_34_4(a: "3 4", b: "4"):
    return a % b


def bc_mod_34_31(a: "3 4", b: "3 1"):
    return a % b


def bc_mod_34_14(a: "3 4", b: "1 4"):
    return a % b


def bc_mod_34_s(a: "3 4", b: float):
    return a % b


def bc_mod_234_34(a: "2 3 4", b: "3 4"):
    return a % b


def bc_mod_4_34(a: "4", b: "3 4"):
    return a % b


def bc_mod_s_34(a: float, b: "3 4"):
    return a % b


def bc_mod_31_14(a: "3 1", b: "1 4"):
    return a % b


def bc_mod_34_34(a: "3 4", b: "3 4"):
    return a % b


def bs_mod_34_4(a: "n m", b: "m"):
    return a % b


def bs_mod_34_31(a: "n m", b: "n 1"):
    return a % b


def bs_mod_34_14(a: "n m", b: "1 m"):
    return a % b


def bs_mod_234_34(a: "k n m", b: "n m"):
    return a % b


# --- power: np.power(a, b)
def bu_power(a, b):
    return np.power(a, b)


def bl_power(a, b):
    return np.sum(np.sin(np.power(a, b)))


def bc_power_34_4(a: "3 4", b: "4"):
    return np.power(a, b)


def bc_power_34_31(a: "3 4", b: "3 1"):
    return np.power(a, b)


def bc_power_34_14(a: "3 4", b: "1 4"):
    return np.power(a, b)


def bc_power_34_s(a: "3 4", b: float):
    return np.power(a, b)


def bc_power_234_34(a: "2 3 4", b: "3 4"):
    return np.power(a, b)


def bc_power_4_34(a: "4", b: "3 4"):
    return np.power(a, b)


def bc_power_s_34(a: float, b: "3 4"):
    return np.power(a, b)


def bc_power_31_14(a: "3 1", b: "1 4"):
    return np.power(a, b)


def bc_power_34_34(a: "3 4", b: "3 4"):
    return np.power(a, b)


def bs_power_34_4(a: "n m", b: "m"):
    return np.power(a, b)


def bs_power_34_31(a: "n m", b: "n 1"):
    return np.power(a, b)


def bs_power_34_14(a: "n m", b: "1 m"):
    return np.power(a, b)


def bs_power_234_34(a: "k n m", b: "n m"):
    return np.power(a, b)


# --- maximum: np.maximum(a, b)
def bu_maximum(a, b):
    return np.maximum(a, b)


def bl_maximum(a, b):
    return np.sum(np.sin(np.maximum(a, b)))


def bc_maximum_34_4(a: "3 4", b: "4"):
    return np.maximum(a, b)


def bc_maximum_34_31(a: "3 4", b: "3 1"):
    return np.maximum(a, b)


def bc_maximum_34_14(a: "3 4", b: "1 4"):
    return np.maximum(a, b)


def bc_maximum_34_s(a: "3 4", b: float):
    return np.maximum(a, b)


def bc_maximum_234_34(a: "2 3 4", b: "3 4"):
    return np.maximum(a, b)


def bc_maximum_4_34(a: "4", b: "3 4"):
    return np.maximum(a, b)


def bc_maximum_s_34(a: float, b: "3 4"):
    return np.maximum(a, b)


def bc_maximum_31_14(a: "3 1", b: "1 4"):
    return np.maximum(a, b)


def bc_maximum_34_34(a: "3 4", b: "3 4"):
    return np.maximum(a, b)


def bs_maximum_34_4(a: "n m", b: "m"):
    return np.maximum(a, b)


def bs_maximum_34_31(a: "n m", b: "n 1"):
    return np.maximum(a, b)


def bs_maximum_34_14(a: "n m", b: "1 m"):
    return np.maximum(a, b)


def bs_maximum_234_34(a: "k n m", b: "n m"):
    return np.maximum(a, b)


# --- minimum: np.minimum(a, b)
def bu_minimum(a, b):
    return np.minimum(a, b)


def bl_minimum(a, b):
    return np.sum(np.sin(np.minimum(a, b)))


def bc_minimum_34_4(a: "3 4", b: "4"):
    return np.minimum(a, b)


def bc_minimum_34_31(a: "3 4", b: "3 1"):
    return np.minimum(a, b)


def bc_minimum_34_14(a: "3 4", b: "1 4"):
    return np.minimum(a, b)


def bc_minimum_34_s(a: "3 4", b: float):
    return np.minimum(a, b)


def bc_minimum_234_34(a: "2 3 4", b: "3 4"):
    return np.minimum(a, b)


def bc_minimum_4_34(a: "4", b: "3 4"):
    return np.minimum(a, b)


def bc_minimum_s_34(a: float, b: "3 4"):
    return np.minimum(a, b)


def bc_minimum_31_14(a: "3 1", b: "1 4"):
    return np.minimum(a, b)


def bc_minimum_34_34(a: "3 4", b: "3 4"):
    return np.minimum(a, b)


def bs_minimum_34_4(a: "n m", b: "m"):
    return np.minimum(a, b)


def bs_minimum_34_31(a: "n m", b: "n 1"):
    return np.minimum(a, b)


def bs_minimum_34_14(a: "n m", b: "1 m"):
    return np.minimum(a, b)


def bs_minimum_234_34(a: "k n m", b: "n m"):
    return np.minimum(a, b)


# --- where: np.where(c, a, b)
def bu_where(c, a, b):
    return np.where(c, a, b)


def bl_where(c, a, b):
    return np.sum(np.sin(np.where(c, a, b)))


def bc_where_34_4(c: "3 4", a: "3 4", b: "4"):
    return np.where(c, a, b)


def bc_where_34_31(c: "3 4", a: "3 4", b: "3 1"):
    return np.where(c, a, b)


def bc_where_34_14(c: "3 4", a: "3 4", b: "1 4"):
    return np.where(c, a, b)


def bc_where_34_s(c: "3 4", a: "3 4", b: float):
    return np.where(c, a, b)


def bc_where_234_34(c: "2 3 4", a: "2 3 4", b: "3 4"):
    return np.where(c, a, b)


def bc_where_4_34(c: "3 4", a: "4", b: "3 4"):
    return np.where(c, a, b)


def bc_where_s_34(c: "3 4", a: float, b: "3 4"):
    return np.where(c, a, b)


def bc_where_31_14(c: "3 4", a: "3 1", b: "1 4"):
    return np.where(c, a, b)


def bc_where_34_34(c: "3 4", a: "3 4", b: "3 4"):
    return np.where(c, a, b)


def bs_where_34_4(c: "n m", a: "n m", b: "m"):
    return np.where(c, a, b)


def bs_where_34_31(c: "n m", a: "n m", b: "n 1"):
    return np.where(c, a, b)


def bs_where_34_14(c: "n m", a: "n m", b: "1 m"):
    return np.where(c, a, b)


def bs_where_234_34(c: "k n m", a: "k n m", b: "n m"):
    return np.where(c, a, b)


@pytest.mark.parametrize("combo", list(COMBOS))
@pytest.mark.parametrize("op", OPS)
def test_broadcast_annotated(op, combo):
    args, wrt = binary_inputs(op, combo)
    check_vjp(globals()[f"bc_{op}_{combo}"], args, wrt)


@pytest.mark.parametrize("combo", SYMBOLIC)
@pytest.mark.parametrize("op", OPS)
def test_broadcast_symbolic(op, combo):
    args, wrt = binary_inputs(op, combo)
    check_vjp(globals()[f"bs_{op}_{combo}"], args, wrt)


@pytest.mark.parametrize("combo", list(COMBOS))
@pytest.mark.parametrize("op", OPS)
def test_broadcast_unannotated(op, combo):
    args, wrt = binary_inputs(op, combo)
    check_vjp(globals()[f"bu_{op}"], args, wrt)


@pytest.mark.parametrize("combo", list(COMBOS))
@pytest.mark.parametrize("op", OPS)
def test_broadcast_scalar_loss(op, combo):
    """The same unannotated op under a scalar loss, through check_grads."""
    args, wrt = binary_inputs(op, combo)
    check_grads(globals()[f"bl_{op}"], args, wrt=wrt)


def np_add(a, b):
    return np.add(a, b)


def np_subtract(a, b):
    return np.subtract(a, b)


def np_multiply(a, b):
    return np.multiply(a, b)


def np_divide(a, b):
    return np.divide(a, b)


def np_true_divide(a, b):
    return np.true_divide(a, b)


@pytest.mark.parametrize("f", [np_add, np_subtract, np_multiply, np_divide, np_true_divide],
                         ids=["add", "subtract", "multiply", "divide", "true_divide"])
@pytest.mark.parametrize("combo", ["34_4", "34_31", "234_34", "s_34"])
def test_numpy_arithmetic_functions(f, combo):
    args, wrt = binary_inputs("div", combo)
    check_vjp(f, args, wrt)


# =============================================================================
# np.where and np.clip
# =============================================================================
def w_leaky(x):
    return np.where(x > 0, x, 0.1 * x)


def w_scalar_branch(x, y):
    return np.where(x > y, np.sin(x), 0.5)


def w_both(x, y):
    return np.where(x < 0.3, x * y, y - x)


def test_where_with_computed_condition():
    x, y = away_from_zero((3, 4), 12), ANY((3, 4), 13)
    check_vjp(w_leaky, (x,), (0,))
    x = np.where(np.abs(x - y) < 1e-3, x + 0.01, x)
    check_vjp(w_scalar_branch, (x, y), (0, 1))
    x = np.where(np.abs(x - 0.3) < 1e-3, x + 0.01, x)
    check_vjp(w_both, (x, y), (0, 1))


def c_clip(x, lo, hi):
    return np.clip(x, lo, hi)


def c_clip_annotated(x: "3 4", lo: float, hi: float):
    return np.clip(x, lo, hi)


def c_clip_arrays(x: "3 4", lo: "4", hi: "3 1"):
    return np.clip(x, lo, hi)


def c_clip_const(x):
    return np.clip(x, -0.5, 0.7)


def clip_input(shape, lo, hi, seed):
    x = np.random.default_rng(seed).uniform(-2, 2, shape)
    bad = (np.abs(x - lo) < 1e-2) | (np.abs(x - hi) < 1e-2)
    return np.where(bad, x + 0.05, x)


@pytest.mark.parametrize("f", [c_clip, c_clip_annotated], ids=["unannotated", "annotated"])
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
# =============================================================================
AXES = {'none': None, '0': 0, '1': 1, 'm1': -1, '01': (0, 1)}
REDUCTIONS = ('sum', 'mean', 'max', 'min', 'logsumexp')


def r_sum_none_nk(x):
    return np.sum(x, axis=None, keepdims=False)


def r_sum_none_kd(x):
    return np.sum(x, axis=None, keepdims=True)


def r_sum_0_nk(x):
    return np.sum(x, axis=0, keepdims=False)


def r_sum_0_kd(x):
    return np.sum(x, axis=0, keepdims=True)


def r_sum_1_nk(x):
    return np.sum(x, axis=1, keepdims=False)


def r_sum_1_kd(x):
    return np.sum(x, axis=1, keepdims=True)


def r_sum_m1_nk(x):
    return np.sum(x, axis=-1, keepdims=False)


def r_sum_m1_kd(x):
    return np.sum(x, axis=-1, keepdims=True)


def r_sum_01_nk(x):
    return np.sum(x, axis=(0, 1), keepdims=False)


def r_sum_01_kd(x):
    return np.sum(x, axis=(0, 1), keepdims=True)


def r_mean_none_nk(x):
    return np.mean(x, axis=None, keepdims=False)


def r_mean_none_kd(x):
    return np.mean(x, axis=None, keepdims=True)


def r_mean_0_nk(x):
    return np.mean(x, axis=0, keepdims=False)


def r_mean_0_kd(x):
    return np.mean(x, axis=0, keepdims=True)


def r_mean_1_nk(x):
    return np.mean(x, axis=1, keepdims=False)


def r_mean_1_kd(x):
    return np.mean(x, axis=1, keepdims=True)


def r_mean_m1_nk(x):
    return np.mean(x, axis=-1, keepdims=False)


def r_mean_m1_kd(x):
    return np.mean(x, axis=-1, keepdims=True)


def r_mean_01_nk(x):
    return np.mean(x, axis=(0, 1), keepdims=False)


def r_mean_01_kd(x):
    return np.mean(x, axis=(0, 1), keepdims=True)


def r_max_none_nk(x):
    return np.max(x, axis=None, keepdims=False)


def r_max_none_kd(x):
    return np.max(x, axis=None, keepdims=True)


def r_max_0_nk(x):
    return np.max(x, axis=0, keepdims=False)


def r_max_0_kd(x):
    return np.max(x, axis=0, keepdims=True)


def r_max_1_nk(x):
    return np.max(x, axis=1, keepdims=False)


def r_max_1_kd(x):
    return np.max(x, axis=1, keepdims=True)


def r_max_m1_nk(x):
    return np.max(x, axis=-1, keepdims=False)


def r_max_m1_kd(x):
    return np.max(x, axis=-1, keepdims=True)


def r_max_01_nk(x):
    return np.max(x, axis=(0, 1), keepdims=False)


def r_max_01_kd(x):
    return np.max(x, axis=(0, 1), keepdims=True)


def r_min_none_nk(x):
    return np.min(x, axis=None, keepdims=False)


def r_min_none_kd(x):
    return np.min(x, axis=None, keepdims=True)


def r_min_0_nk(x):
    return np.min(x, axis=0, keepdims=False)


def r_min_0_kd(x):
    return np.min(x, axis=0, keepdims=True)


def r_min_1_nk(x):
    return np.min(x, axis=1, keepdims=False)


def r_min_1_kd(x):
    return np.min(x, axis=1, keepdims=True)


def r_min_m1_nk(x):
    return np.min(x, axis=-1, keepdims=False)


def r_min_m1_kd(x):
    return np.min(x, axis=-1, keepdims=True)


def r_min_01_nk(x):
    return np.min(x, axis=(0, 1), keepdims=False)


def r_min_01_kd(x):
    return np.min(x, axis=(0, 1), keepdims=True)


def r_logsumexp_none_nk(x):
    return logsumexp(x, axis=None, keepdims=False)


def r_logsumexp_none_kd(x):
    return logsumexp(x, axis=None, keepdims=True)


def r_logsumexp_0_nk(x):
    return logsumexp(x, axis=0, keepdims=False)


def r_logsumexp_0_kd(x):
    return logsumexp(x, axis=0, keepdims=True)


def r_logsumexp_1_nk(x):
    return logsumexp(x, axis=1, keepdims=False)


def r_logsumexp_1_kd(x):
    return logsumexp(x, axis=1, keepdims=True)


def r_logsumexp_m1_nk(x):
    return logsumexp(x, axis=-1, keepdims=False)


def r_logsumexp_m1_kd(x):
    return logsumexp(x, axis=-1, keepdims=True)


def r_logsumexp_01_nk(x):
    return logsumexp(x, axis=(0, 1), keepdims=False)


def r_logsumexp_01_kd(x):
    return logsumexp(x, axis=(0, 1), keepdims=True)


def distinct(shape, seed):
    """Values with no ties (max/min have a unique argmax)."""
    r = np.random.default_rng(seed)
    return r.permutation(np.prod(shape)).reshape(shape) * 0.37 - 1.5 + r.uniform(0, 0.1, shape)


@pytest.mark.parametrize("keepdims", [False, True], ids=["", "keepdims"])
@pytest.mark.parametrize("axis", list(AXES))
@pytest.mark.parametrize("red", REDUCTIONS)
def test_reduction(red, axis, keepdims):
    f = globals()[f"r_{red}_{axis}_{'kd' if keepdims else 'nk'}"]
    check_vjp(f, (distinct((3, 4), 17),), (0,))


def r3_sum_02(x):
    return np.sum(x, axis=(0, 2))


def r3_mean_m2(x):
    return np.mean(x, axis=-2, keepdims=True)


def r3_max_1m1(x):
    return np.max(x, axis=(1, -1), keepdims=True)


def r3_min_2(x):
    return np.min(x, axis=2)


def r3_lse_02(x):
    return logsumexp(x, axis=(0, 2))


def r3_mean_02(x):
    return np.mean(x, axis=(2, 0))


@pytest.mark.parametrize("f", [r3_sum_02, r3_mean_m2, r3_max_1m1, r3_min_2, r3_lse_02, r3_mean_02],
                         ids=["sum(0,2)", "mean-2kd", "max(1,-1)kd", "min2", "logsumexp(0,2)", "mean(2,0)"])
def test_reduction_3d(f):
    check_vjp(f, (distinct((2, 3, 4), 18),), (0,))


def me_sum0(x):
    return x.sum(axis=0)


def me_sum(x):
    return x.sum()


def me_sum_pos(x):
    return x.sum(1, keepdims=True)


def me_mean(x):
    return x.mean()


def me_mean1(x):
    return x.mean(axis=1)


def me_max1(x):
    return x.max(axis=1)


def me_max(x):
    return x.max()


def me_min0(x):
    return x.min(0)


def me_amax(x):
    return np.amax(x, axis=0)


def me_amin(x):
    return np.amin(x)


def me_np_defaults(x):
    return np.sum(x) + np.mean(x) + np.max(x) - np.min(x) + logsumexp(x)


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


def rb_log_softmax(x):
    return x - logsumexp(x, axis=1, keepdims=True)


def rb_log_softmax_a(x: "3 4"):
    return x - logsumexp(x, axis=1, keepdims=True)


def rb_center(x):
    return x - np.mean(x, axis=0)


def rb_center_a(x: "3 4"):
    return x - np.mean(x, axis=0)


def rb_normalize(x):
    return x / np.sum(x, axis=1, keepdims=True)


def rb_normalize_a(x: "n m"):
    return x / np.sum(x, axis=1, keepdims=True)


def rb_stable_softmax(x):
    z = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def rb_stable_softmax_a(x: "3 4"):
    z = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("f", [rb_log_softmax, rb_log_softmax_a, rb_center, rb_center_a,
                               rb_normalize, rb_normalize_a, rb_stable_softmax, rb_stable_softmax_a],
                         ids=["log_softmax", "log_softmax-annotated", "center", "center-annotated",
                              "normalize", "normalize-annotated", "softmax", "softmax-annotated"])
def test_reduction_then_broadcast(f):
    check_vjp(f, (POS((3, 4), 20),), (0,))


# =============================================================================
# Linear algebra: @, matmul, dot, outer, trace
# =============================================================================
def la_mm(a, b):
    return a @ b


def la_mm_22(a: "3 4", b: "4 2"):
    return a @ b


def la_mm_12(a: "4", b: "4 2"):
    return a @ b


def la_mm_21(a: "3 4", b: "4"):
    return a @ b


def la_mm_11(a: "4", b: "4"):
    return a @ b


def la_mm_32(a: "2 3 4", b: "4 5"):
    return a @ b


def la_matmul(a, b):
    return np.matmul(a, b)


def la_matmul_22(a: "3 4", b: "4 2"):
    return np.matmul(a, b)


def la_dot(a, b):
    return np.dot(a, b)


def la_dot_22(a: "3 4", b: "4 2"):
    return np.dot(a, b)


def la_dot_12(a: "4", b: "4 2"):
    return np.dot(a, b)


def la_dot_21(a: "3 4", b: "4"):
    return np.dot(a, b)


def la_dot_11(a: "4", b: "4"):
    return np.dot(a, b)


def la_dot_method(a, b):
    return a.dot(b)


def la_dot_scalar(s: float, b: "3 4"):
    return np.dot(s, b)


def la_dot_scalar_u(s, b):
    return np.dot(s, b)


def la_mm_chain(a, b, c):
    return np.tanh(a @ b) @ c


def la_mm_chain_a(a: "3 4", b: "4 2", c: "2"):
    return np.tanh(a @ b) @ c


def R(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


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
    pytest.param(la_dot_method, (R(3, 4), R(4, 2)), id="a.dot(b)"),
    pytest.param(la_dot_scalar, (1.7, R(3, 4)), id="dot-scalar-annotated"),
    pytest.param(la_dot_scalar_u, (1.7, R(3, 4)), id="dot-scalar"),
    pytest.param(la_mm_chain, (R(3, 4), R(4, 2), R(2)), id="chain"),
    pytest.param(la_mm_chain_a, (R(3, 4), R(4, 2), R(2)), id="chain-annotated"),
]


@pytest.mark.parametrize("f, args", LINALG)
def test_matmul_dot(f, args):
    check_vjp(f, args, range(len(args)))


def la_outer(x, y):
    return np.outer(x, y)


def la_outer_a(x: "3", y: "4"):
    return np.outer(x, y)


def la_trace(x):
    return np.trace(x)


def la_trace_a(x: "3 4"):
    return np.trace(x)


def la_trace_product(a, b):
    return np.trace(a @ b)


@pytest.mark.parametrize("f", [la_outer, la_outer_a], ids=["unannotated", "annotated"])
def test_outer(f):
    check_vjp(f, (R(3, seed=1), R(4, seed=2)), (0, 1))


@pytest.mark.parametrize("x", [R(3, 3, seed=3), R(3, 4, seed=4), R(4, 3, seed=5)], ids=["3x3", "3x4", "4x3"])
def test_trace(x):
    check_grads(la_trace, (x,), wrt=0)
    if x.shape == (3, 4):
        check_grads(la_trace_a, (x,), wrt=0)


def test_trace_of_product():
    check_grads(la_trace_product, (R(3, 4, seed=6), R(4, 3, seed=7)), wrt=(0, 1))


# =============================================================================
# Shape operations: transpose, reshape, concatenate, stack
# =============================================================================
def sh_T(x):
    return x.T


def sh_T_a(x: "3 4"):
    return x.T


def sh_transpose(x):
    return np.transpose(x)


def sh_transpose_102(x):
    return np.transpose(x, (1, 0, 2))


def sh_transpose_201(x):
    return np.transpose(x, (2, 0, 1))


def sh_transpose_201_a(x: "2 3 4"):
    return np.transpose(x, (2, 0, 1))


def sh_transpose_method(x):
    return x.transpose(1, 2, 0)


def sh_transpose_method_noargs(x):
    return x.transpose()


def sh_T_3d(x):
    return x.T


def sh_reshape_method(x):
    return x.reshape(2, 6)


def sh_reshape_tuple(x):
    return x.reshape((6, 2))


def sh_reshape_np(x):
    return np.reshape(x, (4, 3))


def sh_reshape_minus1(x):
    return np.reshape(x, (2, -1))


def sh_reshape_flat(x):
    return x.reshape(-1)


def sh_reshape_then(x):
    return np.sin(x.reshape(2, 6)) * np.arange(6)


def sh_concat0(a, b):
    return np.concatenate([a, b], axis=0)


def sh_concat1(a, b):
    return np.concatenate([a, b], axis=1)


def sh_concat_default(a, b):
    return np.concatenate((a, b))


def sh_concat_three(a, b):
    return np.concatenate([a, np.sin(b), a * b], axis=-1)


def sh_concat_same(a, b):
    return np.concatenate([a, a, b], 1)


def sh_stack0(a, b):
    return np.stack([a, b], axis=0)


def sh_stack1(a, b):
    return np.stack([a, b], axis=1)


def sh_stack_m1(a, b):
    return np.stack([a, b, a * b], axis=-1)


def sh_stack_default(a, b):
    return np.stack((a, b))


def sh_stack_same(a, b):
    return np.stack([a, b, a], 1)


SHAPE_OPS = [
    pytest.param(sh_T, (R(3, 4),), id="x.T"),
    pytest.param(sh_T_a, (R(3, 4),), id="x.T-annotated"),
    pytest.param(sh_transpose, (R(3, 4),), id="np.transpose(x)"),
    pytest.param(sh_transpose_102, (R(2, 3, 4),), id="np.transpose(x,(1,0,2))"),
    pytest.param(sh_transpose_201, (R(2, 3, 4),), id="np.transpose(x,(2,0,1))"),
    pytest.param(sh_transpose_201_a, (R(2, 3, 4),), id="np.transpose(x,(2,0,1))-annotated"),
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
    pytest.param(sh_stack_default, (R(3,), R(3,)), id="stack-default"),
    pytest.param(sh_stack_same, (R(3, 4), R(3, 4)), id="stack-repeated"),
]


@pytest.mark.parametrize("f, args", SHAPE_OPS)
def test_shape_ops(f, args):
    check_vjp(f, args, range(len(args)))


# =============================================================================
# Indexing
# =============================================================================
def ix_0(x):
    return x[0]


def ix_last(x):
    return x[-1]


def ix_slice(x):
    return x[1:3]


def ix_col(x):
    return x[:, 0]


def ix_newaxis(x):
    return x[:, None]


def ix_np_newaxis(x):
    return x[np.newaxis, :, 1]


def ix_step(x):
    return x[::2]


def ix_reverse(x):
    return x[::-1]


def ix_block(x):
    return x[1:, :2]


def ix_ellipsis(x):
    return x[..., 1]


def ix_element(x):
    return x[-1, -2]


def ix_chain(x):
    return x[1][2:]


def ix_fancy_repeated(x):
    return x[[0, 0, 2]]


def ix_3d(x):
    return x[:, 1, ::2]


def ix_param(x, i: int):
    return x[i]


def ix_param_u(x, i):
    return x[i]


def ix_param2(x, i: int, j: int):
    return x[i, j] * x[j]


def ix_param_slice(x, i: int):
    return x[i:, i - 1]


def ix_broadcast(x):
    return x[:, None] * x[None, :]


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


def test_index_by_two_int_parameters():
    check_vjp(ix_param2, (R(4, 4, seed=22), 1, 3), (0,))
    check_vjp(ix_param_slice, (R(4, 4, seed=23), 2), (0,))


# =============================================================================
# Program structure: reuse, re-assignment, augmented assignment, unpacking,
# helpers, module constants
# =============================================================================
def relu(z):
    return np.maximum(z, 0.0)


def relu_left(z):
    return np.maximum(0, z)


def relu_mask(z):
    return z * (z > 0)


def relu_where(z):
    return np.where(z > 0, z, 0.0)


def softplus(z):
    return np.log1p(np.exp(z))


def layer(x, w, b):
    h = x @ w + b
    return relu(h)


def two_layer(x, w1, b1, w2):
    h = layer(x, w1, b1)
    return softplus(h @ w2)


def scaled(x):
    h = x * SCALE
    return h + OFFSET


def moments(x):
    return np.mean(x), np.mean(x * x)


def st_reuse(x):
    return np.sum(x * x + np.sin(x) * x - x / (1.0 + x * x))


def st_reassign(x):
    h = x * 2.0
    h = np.sin(h)
    h = h * x
    x = h + x
    return np.sum(x)


def st_augmented(x, y):
    h = x * 1.0
    h += y
    h -= np.sin(x)
    h *= x
    h /= 1.5 + y * y
    return np.sum(h)


def st_augmented_more(x, w):
    h = x + 0.5
    h **= 2
    h @= w
    h += 1.0
    return np.sum(h)


def st_augmented_param(x: float, y: float):
    x += y
    x *= y
    y -= x
    return np.sum(x * y)


def st_tuple(x, y):
    a, b = x * 2.0, np.sin(y)
    return np.sum(a * b)


def st_swap(x, y):
    a, b = x, np.exp(y)
    a, b = b, a
    return np.sum(a * 2.0 - b * b)


def st_unpack_array(x):
    r0, r1, r2 = x
    return np.sum(r0 * r1 + np.cos(r2))


def st_unpack_helper(x):
    m1, m2 = moments(x)
    return m2 - m1 * m1


def st_unpack_list(x, y):
    [a, b] = [np.sin(x), y]
    return np.sum(a + b * x)


def st_relu(x):
    return np.sum(relu(x) * x)


def st_relu_twice(x, y):
    return np.sum(relu(x) + relu(y * x))


def st_nested(x, w1, b1, w2):
    return np.sum(two_layer(x, w1, b1, w2))


def st_helper_keywords(x, w, b):
    return np.sum(layer(b=b, x=x, w=w))


def st_shadow(x):
    h = np.cos(x)
    z = relu(h - 0.2) + h
    return np.sum(z * scaled(x))


def st_constants(x):
    return np.sum(x * SCALE + OFFSET * np.sin(x) + np.pi * x**POWER)


def st_constant_list(x):
    return np.sum(np.sin(x) * WEIGHTS)


def st_constant_tuple(x):
    return np.sum(x * PAIR)


def st_docstring(x):
    """A docstring is allowed."""
    return np.sum(x**2)


def st_unused_param(x, y):
    return np.sum(np.sin(x))


def st_annotated_assign(x):
    h: float = np.sum(x)
    return h * h


STRUCTURE = [
    pytest.param(st_reuse, (ANY((3, 4), 30),), id="repeated-use"),
    pytest.param(st_reassign, (ANY((3, 4), 31),), id="re-assignment"),
    pytest.param(st_augmented, (ANY((3, 4), 32), ANY((4,), 33)), id="augmented"),
    pytest.param(st_augmented_more, (ANY((3, 4), 34), ANY((4, 4), 35)), id="augmented-pow-matmul"),
    pytest.param(st_augmented_param, (1.3, 0.7), id="augmented-on-parameters"),
    pytest.param(st_tuple, (ANY((3, 4), 38), ANY((3, 4), 39)), id="tuple-unpacking"),
    pytest.param(st_swap, (ANY((3, 4), 40), ANY((3, 4), 41)), id="swap"),
    pytest.param(st_unpack_array, (ANY((3, 4), 42),), id="unpack-array-rows"),
    pytest.param(st_unpack_helper, (ANY((3, 4), 43),), id="unpack-helper-tuple"),
    pytest.param(st_unpack_list, (ANY((3, 4), 44), ANY((3, 4), 45)), id="unpack-list"),
    pytest.param(st_relu, (away_from_zero((3, 4), 46),), id="relu-helper"),
    pytest.param(st_relu_twice, (away_from_zero((3, 4), 47), uniform(0.5, 2.0)((3, 4), 48)), id="relu-helper-twice"),
    pytest.param(st_nested, (R(5, 3, seed=49), R(3, 4, seed=50), R(4, seed=51), R(4, 2, seed=52)), id="nested-helpers"),
    pytest.param(st_helper_keywords, (R(5, 3, seed=53), R(3, 4, seed=54), R(4, seed=55)), id="helper-keywords"),
    pytest.param(st_shadow, (ANY((3, 4), 56),), id="helper-locals-shadow"),
    pytest.param(st_constants, (ANY((3, 4), 57),), id="module-constants"),
    pytest.param(st_constant_list, (ANY((2, 3), 58),), id="module-constant-list"),
    pytest.param(st_constant_tuple, (ANY((3, 2), 59),), id="module-constant-tuple"),
    pytest.param(st_docstring, (ANY((3,), 60),), id="docstring"),
    pytest.param(st_annotated_assign, (ANY((3,), 61),), id="annotated-assignment"),
]


@pytest.mark.parametrize("f, args", STRUCTURE)
def test_program_structure(f, args):
    check_grads(f, args, wrt=tuple(range(len(args))))


def test_gradient_of_unused_parameter_is_zero():
    x, y = ANY((3, 4), 62), ANY((2, 5), 63)
    gx, gy = adgen.grad(st_unused_param, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, np.cos(x), rtol=1e-12)
    assert np.shape(gy) == (2, 5)
    np.testing.assert_array_equal(gy, np.zeros((2, 5)))


def test_wrt_by_name_and_order():
    x, y = ANY((3, 4), 64), ANY((4,), 65)
    gy, gx = adgen.grad(st_augmented, wrt=("y", "x"))(x, y)
    np.testing.assert_allclose(gx, numerical_grad(st_augmented, (x, y), 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gy, numerical_grad(st_augmented, (x, y), 1), rtol=1e-6, atol=1e-8)


# =============================================================================
# Conventions at kinks: closed forms, not finite differences
# =============================================================================
def k_max_right(x):
    return np.sum(np.maximum(x, 0))


def k_max_left(x):
    return np.sum(np.maximum(0, x))


def k_max_float(x):
    return np.sum(np.maximum(x, 0.0))


def k_abs(x):
    return np.sum(np.abs(x))


def k_relu(x):
    return np.sum(relu(x))


def k_relu_left(x):
    return np.sum(relu_left(x))


def k_relu_mask(x):
    return np.sum(relu_mask(x))


def k_relu_where(x):
    return np.sum(relu_where(x))


def k_abs_builtin(x: float):
    return abs(x)


def k_max_builtin(x: float):
    return max(x, 0.0)


def k_max_builtin_left(x: float):
    return max(0.0, x)


def k_fabs(x: float):
    return math.fabs(x)


def k_clip(x):
    return np.sum(np.clip(x, -1.0, 1.0))


KINK_X = np.array([-1.5, 0.0, 0.0, 2.0, -0.0])
RELU_GRAD = np.array([0.0, 0.0, 0.0, 1.0, 0.0])


@pytest.mark.parametrize("f", [k_max_right, k_max_left, k_max_float, k_relu, k_relu_left, k_relu_mask, k_relu_where],
                         ids=["maximum(x,0)", "maximum(0,x)", "maximum(x,0.0)", "relu-helper",
                              "relu-helper-maximum(0,z)", "relu-helper-mask", "relu-helper-where"])
def test_kink_relu_is_zero_at_zero(f):
    g = adgen.grad(f)(KINK_X.copy())
    np.testing.assert_array_equal(g, RELU_GRAD)


def test_kink_abs_is_zero_at_zero():
    np.testing.assert_array_equal(adgen.grad(k_abs)(KINK_X.copy()), np.array([-1.0, 0.0, 0.0, 1.0, 0.0]))


@pytest.mark.parametrize("f", [k_abs_builtin, k_fabs, k_max_builtin, k_max_builtin_left],
                         ids=["abs", "math.fabs", "max(x,0.0)", "max(0.0,x)"])
def test_kink_scalar_at_zero(f):
    assert float(adgen.grad(f)(0.0)) == 0.0
    assert float(adgen.grad(f)(2.0)) == 1.0


def test_kink_clip_passes_gradient_on_closed_interval():
    x = np.array([-2.0, -1.0, 0.3, 1.0, 2.0])
    np.testing.assert_array_equal(adgen.grad(k_clip)(x), np.array([0.0, 1.0, 1.0, 1.0, 0.0]))


# =============================================================================
# float32 inputs
# =============================================================================
def f32_sin(x):
    return np.sum(np.sin(x) * x)


def f32_mean(x):
    return np.mean(x * x)


def f32_max(x):
    return np.max(x, axis=1).sum()


def f32_index(x):
    return np.sum(x[1:, 0] ** 2)


def f32_matmul(x):
    return np.sum(np.tanh(x @ x.T))


def f32_logsumexp(x):
    return logsumexp(x)


FLOAT32 = [
    pytest.param(f32_sin, id="sum(sin(x)*x)"),
    pytest.param(f32_mean, id="mean(x*x)"),
    pytest.param(f32_max, id="max(axis=1).sum()"),
    pytest.param(f32_index, id="x[1:,0]**2"),
    pytest.param(f32_matmul, id="tanh(x@x.T)"),
    pytest.param(f32_logsumexp, id="logsumexp"),
]


@pytest.mark.parametrize("f", FLOAT32)
def test_float32_input(f):
    x64 = distinct((3, 4), 70)
    x = x64.astype(np.float32)
    g = adgen.grad(f)(x)
    assert np.shape(g) == x.shape
    assert np.issubdtype(np.asarray(g).dtype, np.floating)
    expected = numerical_grad(f, (x.astype(np.float64),), 0)
    np.testing.assert_allclose(np.asarray(g, dtype=np.float64), expected, rtol=1e-4, atol=1e-5)


def f32_broadcast(a, b):
    return np.sum(np.sin(a * b + b))


def test_float32_broadcast():
    a = R(3, 4, seed=71).astype(np.float32)
    b = R(4, seed=72).astype(np.float32)
    ga, gb = adgen.grad(f32_broadcast, wrt=(0, 1))(a, b)
    assert np.shape(ga) == (3, 4) and np.shape(gb) == (4,)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    c = np.cos(a64 * b64 + b64)
    np.testing.assert_allclose(ga, c * b64, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gb, np.sum(c * (a64 + 1.0), axis=0), rtol=1e-4, atol=1e-5)
