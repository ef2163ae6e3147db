# Regression 004 (written by hand, see 002): a silent wrong gradient.  `b = a.T`
# is a view of `a`, so `b *= 3.0` triples `a` too: f = sum(3 x), f' = 3.  adgen
# gives 1.
# point: {'x': [[0.3, -0.7], [1.1, 0.2]]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `b *= ...` would write through `b`, a view of another array (made by a transpose)
import numpy as np


def f(x):
    a = x * 1.0
    b = a.T
    b *= 3.0
    return np.sum(a)
