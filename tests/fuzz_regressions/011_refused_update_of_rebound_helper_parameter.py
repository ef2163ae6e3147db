# Fuzz regression 011 (test_gradients_match_finite_differences, shrunk by
# Hypothesis; an unused helper removed): a valid program refused.  In h0, `u` is
# re-bound to a new array (np.sin(a)) before `u += c`, so the update cannot reach
# the caller's array; adgen (since 3f0eb5e) still refuses it: "`u += ...` would
# change the caller's array, which this helper parameter refers to".
# point: {'x': [1.368034, 0.622136, -0.023762]}
# check: gradients
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def h0(u):
    a = u + u + u
    c, u = a, np.sin(a)
    u += c
    return 0.5


def f(x):
    x = h0(np.concatenate([x[None], x[None] * 0.5], axis=0))
    return x
