"""Functions with custom derivative rules (@adgen.defvjp / @adgen.defjvp), in this file.

Models for tests/test_custom_rules.py.  adgen compiles each one from this file's source.
"""

import math

import numpy as np
import scipy.special
from scipy.special import erfcx

import adgen

SQRT_PI = 1.7724538509055159


# --- a numerically stable formula -------------------------------------------------
def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defvjp(softplus)
def softplus_vjp(g, ans, x):
    return g * scipy.special.expit(x)


def sp_sum(x):
    return np.sum(softplus(x))


def sp_scalar(x: float):
    return softplus(x) * 2.0


# --- a straight-through estimator -------------------------------------------------
def ste_round(x):
    return np.round(x)


@adgen.defvjp(ste_round)
def ste_round_vjp(g, ans, x):
    return g


def ste_model(w, x):
    return np.sum(ste_round(w * x) * x)


# --- a black box: a body adgen does not differentiate (a loop, a scipy function) ---
def scaled_erfc(x):
    y = erfcx(x)
    for _ in range(2):
        y = y * 1.0
    return y


@adgen.defvjp(scaled_erfc)
def scaled_erfc_vjp(g, ans, x):
    slope = 2.0 * x * ans - 2.0 / SQRT_PI  # d erfcx(x)/dx = 2x erfcx(x) - 2/sqrt(pi)
    return g * slope


def bb_model(x, w):
    return np.sum(scaled_erfc(x * w) * w)


# --- extending the built-in table: a rule for a library function -----------------
@adgen.defvjp(scipy.special.erfcx)
def erfcx_vjp(g, ans, x):
    return g * (2.0 * x * ans - 2.0 / math.sqrt(math.pi))


def lib_model(x):
    return np.sum(erfcx(x) + scipy.special.erfcx(2.0 * x))


# --- several operands: a tuple, None for no gradient; broadcasting ---------------
def shifted_softplus(x, shift):
    return np.logaddexp(0.0, x - shift)


@adgen.defvjp(shifted_softplus)
def shifted_softplus_vjp(g, ans, x, shift):
    s = scipy.special.expit(x - shift)
    return g * s, -g * s


def two_model(X, b):
    return np.sum(shifted_softplus(X, b) ** 2)


def stop_gradient(x, y):
    return x * y


@adgen.defvjp(stop_gradient)
def stop_gradient_vjp(g, ans, x, y):
    return g * y, None


def stop_model(x, y):
    return np.sum(stop_gradient(x, y))


def sum_to_shape(x, b):
    return x + b


@adgen.defvjp(sum_to_shape)
def sum_to_shape_vjp(g, ans, x, b):
    return g, np.sum(g, axis=0)  # b's adjoint already has b's shape: adgen leaves it


@adgen.shapes(X="3 4", b="4")
def sum_to_shape_model(X, b):
    return np.sum(sum_to_shape(X, b) ** 2)


# --- forward mode: @adgen.defjvp alone, for an elementwise function ---------------
def cube_root(x):
    return np.cbrt(x)


@adgen.defjvp(cube_root)
def cube_root_jvp(x_dot, ans, x):
    return x_dot / (3.0 * ans**2)


def cbrt_model(x: float, y: float):
    return cube_root(x * y) + y
