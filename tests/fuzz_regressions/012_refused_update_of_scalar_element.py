# Fuzz regression 012 (test_gradients_match_finite_differences, shrunk by
# Hypothesis): a valid program refused.  `y[:2][0]` of a vector is a numpy
# scalar, a copy, so `a += a` cannot change `y`; adgen (since 3f0eb5e) refuses
# it: "`a += ...` would write through `a`, a view of another array (made by
# indexing)".
# point: {'x': [1.368034, 0.622136, -0.023762], 'y': [-0.905728, -0.751626, -1.897524]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `a += ...` would write through `a`, a view of another array (made by indexing)
# (adgen refuses conservatively: before shape inference it cannot tell a
# scalar element from a row view; a located refusal is allowed, a wrong number is not)
"""A generated program (tests/fuzz_programs.py)."""

# ruff: noqa: F401, F841
import math

import numpy as np
from scipy.special import expit, logsumexp

IDX = 1


def f(x, y):
    a = y[:2][0]
    i = 1
    x, y = y, x
    a += a
    return a
