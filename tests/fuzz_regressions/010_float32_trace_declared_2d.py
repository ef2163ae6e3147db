# Regression 010 (written by hand from reading rules.py, next to the fuzz
# findings 005-009; the fuzzer did not generate it): float32 in, float64
# gradient out.  With a declared 2-D shape, the rule of np.trace is
# g * np.eye(n, m), and np.eye is float64 (runtime.trace_adjoint, used when the
# rank is unknown, keeps float32).
# point: {'x': [[0.0, 0.1, 0.2], [0.3, 0.4, 0.5], [0.6, 0.7, 0.8]]}
# check: float32
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp

from adgen import shapes


@shapes(x="3 3")
def f(x):
    return np.trace(x)
