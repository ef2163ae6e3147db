"""Elementwise unary functions: every numpy function of the rule table, scipy.special.expit, unary minus.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


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


def u_reciprocal(x):
    return np.reciprocal(x)


def u_arcsinh(x):
    return np.arcsinh(x)


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


def s_sum_sin(x):
    return np.sum(np.sin(x))


def s_sum_log(x):
    return np.sum(np.log(x))
