# Regression 031 (found while fixing 030, not by the fuzz run): the mean's
# adjoint was kept the scalar 1/n (reverse._broadcast_spreads) after looking at
# one producer of s only, x * x, which spreads it; on the other path s = x
# passes it through, so d f / d x came out the scalar 1/3 instead of an array
# of three. A name with several producers now keeps np.full_like.
# point: {'x': [0.5, 0.3, 0.8]}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np

from adgen import shapes


@shapes(x="3")
def f(x):
    if x[0] > 0.0:
        s = x
    else:
        s = x * x
    return np.mean(s)
