# Fuzz regression 033 (test_float32_gradients, 2000 examples; shrunk by hand):
# grad_f folds the seed 1.0 into the clip rule's adjoint of its lower bound,
# 1.0 * (a < lo), and simplify dropped the 1.0, leaving a bool that the rule of
# lo = -(a * a) - 0.1 then negated: numpy refuses unary minus on a numpy bool
# (TypeError). In float64 the comparison was of Python floats, whose bool
# negates. simplify.py now keeps 1.0 * (a < b).
# point: {'y': [-1.905728, -0.751626, 0.502476]}
# check: float32
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np


def f(y):
    a = np.sin(np.sum(y))
    return np.clip(a, -(a * a) - 0.1, a * a + 0.1)
