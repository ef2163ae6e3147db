"""Broadcasting in np.maximum / np.minimum / np.where: see broadcast_arith.py for the naming scheme.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


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
