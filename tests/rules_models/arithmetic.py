"""Powers (constant, scalar and array exponents), %, numpy arithmetic functions, np.where, np.clip.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401

POWER = 3


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


def a_mod(x, y):
    return np.sum(np.sin(x % y))


def a_mod_const(x):
    return np.sum(np.sin(x % 1.5))


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


def w_leaky(x):
    return np.where(x > 0, x, 0.1 * x)


def w_scalar_branch(x, y):
    return np.where(x > y, np.sin(x), 0.5)


def w_both(x, y):
    return np.where(x < 0.3, x * y, y - x)


def c_clip(x, lo, hi):
    return np.clip(x, lo, hi)


def c_clip_annotated(x: "3 4", lo: float, hi: float):
    return np.clip(x, lo, hi)


def c_clip_arrays(x: "3 4", lo: "4", hi: "3 1"):
    return np.clip(x, lo, hi)


def c_clip_const(x):
    return np.clip(x, -0.5, 0.7)


def a_floordiv(x):
    return np.sum(np.sin(x // 1.5 + x))


def a_nondifferentiable_helpers(x):
    n = x.shape[0]
    mask = (x > 0.1) * 1.0
    scale = np.ones_like(x) * len(x) + np.zeros(x.shape) + x.size
    return np.sum(x * np.sign(x) * mask + scale * x / n + np.arange(x.shape[1]) * x)
