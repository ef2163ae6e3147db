# expect: UnsupportedSyntax 6:2 | unknown decorator
import functools
import numpy as np


@functools.lru_cache
def f(x):
    return np.sin(x)
