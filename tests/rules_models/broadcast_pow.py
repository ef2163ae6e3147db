"""Broadcasting in ** / np.power / %: see broadcast_arith.py for the naming scheme.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


def bu_pow(a, b):
    return a**b


def bl_pow(a, b):
    return np.sum(np.sin(a**b))


def bc_pow_34_4(a: "3 4", b: "4"):
    return a**b


def bc_pow_34_31(a: "3 4", b: "3 1"):
    return a**b


def bc_pow_34_14(a: "3 4", b: "1 4"):
    return a**b


def bc_pow_34_s(a: "3 4", b: float):
    return a**b


def bc_pow_234_34(a: "2 3 4", b: "3 4"):
    return a**b


def bc_pow_4_34(a: "4", b: "3 4"):
    return a**b


def bc_pow_s_34(a: float, b: "3 4"):
    return a**b


def bc_pow_31_14(a: "3 1", b: "1 4"):
    return a**b


def bc_pow_34_34(a: "3 4", b: "3 4"):
    return a**b


def bs_pow_34_4(a: "n m", b: "m"):
    return a**b


def bs_pow_34_31(a: "n m", b: "n 1"):
    return a**b


def bs_pow_34_14(a: "n m", b: "1 m"):
    return a**b


def bs_pow_234_34(a: "k n m", b: "n m"):
    return a**b


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
