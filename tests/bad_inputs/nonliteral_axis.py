# expect: UnsupportedSyntax 6:27 | `axis` must be a constant known when compiling
import numpy as np


def f(x, k):
    return np.sum(x, axis=k)
