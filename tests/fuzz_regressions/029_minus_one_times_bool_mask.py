# Fuzz regression 029 (test_gradients_match_finite_differences, 2000 examples;
# shrunk by hand): grad_f folds the seed of 1.0 - m into the maximum's rule,
# -1.0 * (n2 > 0.0), and simplify turned that into -(n2 > 0.0): numpy refuses
# unary minus on a bool (TypeError). simplify.py now writes -g for -1 * g only
# where g is a float-valued call (np.cos(x)).
# point: {'x': [0.3, -0.2, 0.5]}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np


def f(x):
    return 1.0 - np.maximum(np.sum(x), 0.0)
