"""Broadcasting in + - * /: for each op, an unannotated model (`bu_`), the same under a scalar
loss (`bl_`), one model per shape pair with literal-dimension annotations (`bc_<op>_<shapes>`)
and with symbolic-dimension annotations (`bs_<op>_<shapes>`).  Shape pairs are named
`<a>_<b>`: `34_4` is a (3, 4) with b (4,), `s` a scalar.

Generated from a template; one function per row of the broadcasting table in test_rules.py.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


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
