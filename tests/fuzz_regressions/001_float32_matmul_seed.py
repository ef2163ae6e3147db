# Fuzz regression 001 (test_float32_gradients, shrunk by Hypothesis): float32 in,
# float64 gradient out.  `w[:2] @ w[:2]` of operands of unknown rank is
# differentiated by runtime.matmul_adjoint_x/_y, which call np.asarray on the
# seed 1.0 (a Python float): a float64 0-d array, which numpy does not treat
# as a weak scalar, so w_bar becomes float64.
# point: {'x': [-0.031966, 0.022136, -0.023762], 'y': [-0.005728, 0.048374, 0.002476], 'w': [0.02051, -0.025388, 0.028714]}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def h0(u):
    a = u + u
    c = a
    return c


def f(x, y, w):
    a = w[:2] @ w[:2]
    return a
