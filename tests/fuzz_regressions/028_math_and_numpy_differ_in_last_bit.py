# Fuzz regression 028 (test_gradients_match_finite_differences, 2000 examples;
# shrunk by hand): not a wrong gradient, a too strict comparison. grad_f calls
# math.tanh on the float y @ y where backward_f calls np.tanh; the two differ in
# the last bit, and 1 - tanh(y @ y)**2 (about 1e-5 here) magnifies that to a
# relative 2e-11 between grad_f and backward_f, both matching the finite
# differences. The comparison now has an absolute floor scaled by the gradient.
# point: {'x': -1.431966, 'y': [-1.505728, -1.251626, -1.597524]}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np


def f(x: float, y: "3"):
    x /= np.tanh(y @ y) * np.tanh(y @ y) + 0.5
    return x
