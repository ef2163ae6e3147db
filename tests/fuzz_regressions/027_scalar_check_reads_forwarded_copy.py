# Fuzz regression 027 (test_gradients_match_finite_differences, 2000 examples;
# shrunk by hand): the loop only copies x, so it is dead, and the output x_3 is
# a copy of x_2. grad_f forwarded that copy (x_3 = x_2 deleted) but its run-time
# scalar check, a statement spanning two lines that fuse.py does not rewrite,
# still read x_3: NameError. Names such a statement reads now keep their copies.
# point: {'x': 0.7, 'w': 0.3}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np


def f(x, w):
    x = x / (np.tanh(w) + 2.0)
    count = 0
    while count < 2:
        count += 1
        x = x
    return x
