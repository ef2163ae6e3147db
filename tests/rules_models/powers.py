"""Powers whose exponent can be 0 where the base is 0 (issue 12, tests/test_power.py).

d/dx x ** 0 is 0 everywhere, at x == 0 too; each model multiplies the power by
a factor that depends on x, so a nan in its adjoint would reach the gradient.
"""

import numpy as np

from adgen import wrt

P = 0  # an exponent that is a module constant


def zero_int(x):
    return np.sum(np.sin(x) * x**0)


def zero_float(x):
    return np.sum(np.sin(x) * x**0.0)


def zero_power(x):
    return np.sum(np.sin(x) * np.power(x, 0))


def zero_constant(x):
    return np.sum(np.sin(x) * x**P)


def zero_only(x):
    return np.sum(x**0)


def one(x):
    return np.sum(x**1)


def square(x):
    return np.sum(x**2)


@wrt("x")
def data_exponent(x, deg):
    return np.sum(np.sin(x) * x**deg)


@wrt("x")
def data_power(x, deg):
    return np.sum(np.cos(x) * np.power(x, deg))


def polynomial(w, x):
    s = 0.0
    for i in range(3):
        s = s + w[i] * x**i
    return s


def both(x, y):
    return np.sum(x**y)


def scalar_both(x, y):
    return x**y


@wrt("x")
def float_data_exponent(x: float, deg: float):
    return np.sin(x) + x**deg
