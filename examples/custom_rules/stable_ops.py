"""Operations with their own derivative rules, for examples/custom_rules/model.py.

adgen reads this file statically when the model imports from it (it never
imports or runs it); in Python it is an ordinary module.
"""

import math

import numpy as np
from scipy.special import erfcx

import adgen


def mills_ratio(x):
    """(1 - Φ(x)) / φ(x), the Mills ratio of the standard normal, accurate for large x.

    A black box to adgen (two statements, and erfcx has no built-in rule): the
    generated module gets a copy of this definition and calls it.
    """
    t = x / math.sqrt(2.0)
    return math.sqrt(math.pi / 2.0) * erfcx(t)


@adgen.defvjp(mills_ratio)
def mills_ratio_vjp(g, ans, x):
    # R'(x) = x R(x) - 1: differentiate 1 - Φ(x) = R(x) φ(x), using φ'(x) = -x φ(x).
    return g * (x * ans - 1.0)


def ste_round(x):
    """Round to the nearest integer; a straight-through estimator passes the gradient unchanged."""
    return np.round(x)


@adgen.defvjp(ste_round)
def ste_round_vjp(g, ans, x):
    return g
