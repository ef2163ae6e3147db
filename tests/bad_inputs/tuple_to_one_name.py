# expect: UnsupportedSyntax 6:5 | cannot assign several values to one name
import numpy as np


def f(x):
    y = _pair(x)
    return np.sum(y)


def _pair(x):
    return x, x * 2.0
