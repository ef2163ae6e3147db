# Fuzz regression 008 (test_float32_gradients; found in exploratory runs, where
# Hypothesis's search for a minimal example did not find it again, so reduced by
# hand): float32 in, float64 gradient out.  logsumexp(x, axis=-1) of a vector is
# a scalar; its rule puts the reduced axis back with np.expand_dims(g, -1), and
# np.expand_dims of the Python-float seed 1.0 is a float64 array.
# point: {'x': [0.3, -0.2, 0.5]}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def f(x):
    return logsumexp(x, axis=-1)
