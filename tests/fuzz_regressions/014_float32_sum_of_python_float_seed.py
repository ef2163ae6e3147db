# Fuzz regression 014 (test_float32_gradients in the 2000-example run, shrunk by
# Hypothesis): float32 in, float64 gradient out.  x[0] has a shape adgen does not
# know, so the adjoint of logsumexp(a) in `logsumexp(a) + a[0]` is reduced with
# np.sum(n4_bar); np.sum of the Python-float seed 1.0 is a numpy float64 scalar,
# which upcasts n2_bar * np.exp(x - n2).
# point: {'x': [1.368034, 0.622136, -0.023762]}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def f(x):
    a = x
    return logsumexp(a) + a[0]
