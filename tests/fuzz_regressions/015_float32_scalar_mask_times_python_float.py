# Fuzz regression 015 (test_float32_gradients, after the fix of 006 in a9a2f8e;
# shrunk by Hypothesis): float32 in, float64 gradient out.  maximum of two
# scalars: the rule's masks (n3 > y), (y == n3) are numpy bool scalars, and the
# Python-float adjoint times a numpy bool scalar is a numpy float64 scalar, which
# index_adjoint then uses for the dtype of x_bar.  Same with relu of an element,
# np.maximum(x[0], 0.0), and with clip/minimum of scalars.
# point: {'x': [[[1.368034, 0.622136, -0.023762]], [[-0.86966, -0.815558, -1.861456]]], 'y': -1.705728}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp

from adgen import shapes


def h0(u):
    a = u
    return a


@shapes(x="2 1 3")
def f(x, y: float):
    x = h0(x[0, 0, 0])
    a = -np.maximum(y, x)
    return a
