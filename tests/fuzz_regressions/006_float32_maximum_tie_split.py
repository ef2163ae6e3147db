# Fuzz regression 006 (test_float32_gradients, shrunk by Hypothesis): float32 in,
# float64 gradient out.  With both operands active, the rule of maximum/minimum
# (and builtin max/min) is g * ((x > y) + 0.5 * (x == y)): 0.5 times a boolean
# array is a float64 array.
# point: {'x': [1.368034, 0.622136, -0.023762]}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def f(x):
    a = np.maximum(x, x)
    return np.sum(a)
