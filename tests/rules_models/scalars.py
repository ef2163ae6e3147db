"""math.* functions and the builtins abs/max/min on Python floats (annotated `x: float` and unannotated).

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math

import numpy as np  # noqa: F401
from scipy.special import expit, logsumexp  # noqa: F401

SCALE = 0.5


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


def m_asinh(x: float):
    return math.asinh(x)


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
