# Regression 003 (written by hand, see 002): a silent wrong gradient.  `b = a[:2]`
# is a view of `a`, so `b += 1.0` also changes a[:2]: f = sum over a of a ** 2
# with a[:2] shifted by 1, and df/dx[0] = 2 (x[0] + 1) = 2.6 at x[0] = 0.3.
# adgen makes `b` a new value and leaves `a` alone: 0.6.
# point: {'x': [0.3, -0.7, 1.1]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `b += ...` would write through `b`, a view of another array (made by indexing)
import numpy as np


def f(x):
    a = x * 1.0
    b = a[:2]
    b += 1.0
    return np.sum(a * a)
