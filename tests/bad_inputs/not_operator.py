# expect: UnsupportedSyntax 7:9 | `not` and `~` are not supported
# not: logical_not
import numpy as np


def f(x):
    m = not x
    return np.where(m, x, 0.0)
