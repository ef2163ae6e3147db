# Fuzz regression 023 (test_gradients_match_finite_differences, 1000 examples;
# shrunk by hand): a valid program refused, conservatively. `r = count` then
# `r += r`: count is the while loop's integer counter, which Python never
# shares, but adgen sees two names for one value and refuses as it does for an
# array ("`r += ...` would also change `count`, the same array"). Kept as a
# refusal (the generator now treats loop variables as shared, like other names);
# if adgen learns that the counter is an int, it must then compute this right.
# point: {'x': [[1.368034, -0.977864, -1.623762], [-0.76966, -0.415558, 1.338544]]}
# check: refuse_or_correct
# (adgen then refused one statement earlier, at `count += 1`, which it saw as
# changing `r` through the alias that `r = count` made in the trip before.
# It now knows that `count` and `r` hold numbers on every trip, which `+=`
# cannot change in place, and compiles the program: its gradients are checked.)
"""A generated program (tests/fuzz_programs.py)."""

import numpy as np


def f(x):
    count = 0
    s = 0.0
    while count < 2:
        count += 1
        r = count
        r += r
        s = s + np.sum(x * r)
    return s
