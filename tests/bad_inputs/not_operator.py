# expect: UnsupportedSyntax 6:9 | `not` and `~` are not supported
import numpy as np


def f(x):
    m = not x
    return np.where(m, x, 0.0)
