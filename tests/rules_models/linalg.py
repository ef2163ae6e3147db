"""@, np.matmul, np.dot (every rank pair), np.outer, np.trace.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


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


def la_outer_flattens(x, y):
    return np.outer(x, y)


def la_trace_3d(x):
    return np.trace(x)
