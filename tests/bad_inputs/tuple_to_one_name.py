# expect: UnsupportedSyntax 7:19 | a tuple cannot be used as a number or array
import numpy as np


def f(x):
    y = _pair(x)
    return np.sum(y)


def _pair(x):
    return x, x * 2.0
