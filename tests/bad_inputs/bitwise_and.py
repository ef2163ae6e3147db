# expect: UnsupportedSyntax 6:9 | the operator `&` is not supported
import numpy as np


def f(x, y):
    m = (x > 0.0) & (y > 0.0)
    return np.where(m, x, y)
