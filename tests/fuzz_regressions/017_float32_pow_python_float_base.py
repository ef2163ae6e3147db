# Float32 gap 017 (found by hand after 007-015 were closed; the fuzzer's bases
# are constants or numpy values): float32 in, float64 gradient out.  A base
# that is a Python-float parameter, y ** x: the exponent's rule,
# g * ans * np.log(np.where(y == 0, 1.0, y)), applies numpy to the Python float
# y, which gives a float64 numpy scalar.  A constant base is folded to
# math.log(c) (007); a variable one would need math.log guarded against y <= 0.
# point: {'x': [0.3, -0.2, 0.5], 'y': 1.5}
# check: float32
"""A program written by hand, in the style of tests/fuzz_programs.py."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp


def f(x, y: float):
    return np.sum(y**x)
