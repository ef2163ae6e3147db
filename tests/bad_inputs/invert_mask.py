# expect: UnsupportedSyntax 7:21 | `~` is not supported
# not: logical_not
import numpy as np


def f(x):
    return np.where(~(x > 0.0), x, 0.0)
