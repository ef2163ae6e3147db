# Fuzz regression 009 (test_float32_gradients; found in exploratory runs, reduced
# by hand): float32 in, float64 gradient out.  math.tanh returns a Python float,
# so the rule of math.sin, g * np.cos(x), evaluates np.cos of a Python float: a
# numpy float64 scalar, which index_adjoint then uses for the dtype of x_bar.
# (The program itself computes in float32: Python floats are weak in numpy.)
# point: {'x': [0.3, -0.2, 0.5]}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def f(x):
    return math.sin(math.tanh(x[0]))
