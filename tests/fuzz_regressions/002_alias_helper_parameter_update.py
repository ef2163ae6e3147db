# Regression 002 (written by hand while writing the generator's aliasing rules;
# the generator itself only updates arrays nothing else can see): a silent wrong
# gradient.  `u += 1.0` in a helper updates the caller's array `y` in place, so
# `z` and `y` are the same array and f = sum((2x + 1) ** 2), f' = 4 (2x + 1).
# adgen inlines the helper as `u_2 = y + 1.0`, keeps `y` unchanged, and returns
# the gradient of sum((2x + 1) * 2x): 4.4 instead of 6.4 at x[0] = 0.3.  It
# refuses `z = x; x += y` (the same array under two names) but not this.
# point: {'x': [0.3, -0.7, 1.1]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `u += ...` would change the caller's array, which this helper parameter refers to
import numpy as np


def h(u):
    u += 1.0
    return u


def f(x):
    y = x * 2.0
    z = h(y)
    return np.sum(z * y)
