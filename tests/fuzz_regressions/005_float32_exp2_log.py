# Fuzz regression 005 (test_float32_gradients, shrunk by Hypothesis): float32 in,
# float64 gradient out.  The rules of exp2, log2 and log10 multiply or divide by
# np.log(2) / np.log(10), numpy float64 scalars, which upcast float32 arrays
# (a Python float, math.log(2), would not).
# point: {'x': [1.368034, 0.622136, -0.023762]}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def f(x):
    a = np.exp2(x)
    return np.sum(a)
