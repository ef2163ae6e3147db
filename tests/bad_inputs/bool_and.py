# expect: UnsupportedSyntax 6:9 | `and`/`or` are not supported
import numpy as np


def f(x):
    m = (x > 0.0) and (x < 1.0)
    return np.where(m, x, 0.0)
