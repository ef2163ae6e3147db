# Fuzz regression 007 (test_float32_gradients, shrunk by Hypothesis; an unused
# helper removed): float32 in, float64 gradient out.  The exponent's rule of
# pow, g * ans * np.log(np.where(x == 0, 1.0, x)), with a Python-float base
# x = 2.0: np.where of two Python floats is a float64 0-d array, so np.log of
# it is a numpy float64 scalar, which upcasts.
# point: {'x': [1.368034, 0.622136, -0.023762]}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def f(x):
    a = 2.0**x
    return np.sum(a)
