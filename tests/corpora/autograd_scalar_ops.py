"""HIPS/autograd's scalar-operation tests, ported for adgen's corpus measurement.

Source: https://github.com/HIPS/autograd, tests/test_scalar_ops.py (commit
cbf5c42b), Copyright (c) 2014 by the Authors, MIT License.  Each test's
``fun = lambda x: ...`` is retyped as a function named after the test, its body
as written.  Adapted for the harness only: a value the lambda closed over (the
exponent of test_power_arg0, the base of test_power_arg1) is a module-level
constant; the second-order checks (``grad(fun)``) and the ``y == 0`` special
case of test_power_arg0 are not ported (adgen's measure is the gradient).
"""

# ruff: noqa

import numpy as np

power_arg0_y = 1.8123  # npr.randn()**2 + 1. in the original
power_arg1_x = 0.6385  # npr.randn()**2 in the original


def test_abs(x):
    return 3.0 * np.abs(x)


def test_sin(x):
    return 3.0 * np.sin(x)


def test_sign(x):
    return 3.0 * np.sign(x)


def test_exp(x):
    return 3.0 * np.exp(x)


def test_log(x):
    return 3.0 * np.log(x)


def test_log2(x):
    return 3.0 * np.log2(x)


def test_log10(x):
    return 3.0 * np.log10(x)


def test_log1p(x):
    return 3.0 * np.log1p(x)


def test_expm1(x):
    return 3.0 * np.expm1(x)


def test_exp2(x):
    return 3.0 * np.exp2(x)


def test_neg(x):
    return 3.0 * -x


def test_cos(x):
    return 3.0 * np.cos(x)


def test_tan(x):
    return 3.0 * np.tan(x)


def test_cosh(x):
    return 3.0 * np.cosh(x)


def test_sinh(x):
    return 3.0 * np.sinh(x)


def test_tanh(x):
    return 3.0 * np.tanh(x)


def test_arccos(x):
    return 3.0 * np.arccos(x)


def test_arcsin(x):
    return 3.0 * np.arcsin(x)


def test_arctan(x):
    return 3.0 * np.arctan(x)


def test_arccosh(x):
    return 3.0 * np.arccosh(x)


def test_arcsinh(x):
    return 3.0 * np.arcsinh(x)


def test_arctanh(x):
    return 3.0 * np.arctanh(x)


def test_sqrt(x):
    return 3.0 * np.sqrt(x)


def test_power_arg0(x):
    return np.power(x, power_arg0_y)


def test_power_arg1(y):
    return np.power(power_arg1_x, y)


def test_power_arg1_zero(y):
    return np.power(0.0, y)


def test_mod_arg0(x, y):
    return np.mod(x, y)


def test_mod_arg1(x, y):
    return np.mod(x, y)


def test_divide_arg0(x, y):
    return np.divide(x, y)


def test_divide_arg1(x, y):
    return np.divide(x, y)


def test_multiply_arg0(x, y):
    return np.multiply(x, y)


def test_multiply_arg1(x, y):
    return np.multiply(x, y)


def test_true_divide_arg0(x, y):
    return np.true_divide(x, y)


def test_true_divide_arg1(x, y):
    return np.true_divide(x, y)


def test_reciprocal(x):
    return np.reciprocal(x)


def test_negative(x):
    return np.negative(x)


def test_rad2deg(x):
    return 3.0 * np.rad2deg(x)


def test_deg2rad(x):
    return 3.0 * np.deg2rad(x)


def test_radians(x):
    return 3.0 * np.radians(x)


def test_degrees(x):
    return 3.0 * np.degrees(x)


def test_sinc(x):
    return 3.0 * np.sinc(x)
