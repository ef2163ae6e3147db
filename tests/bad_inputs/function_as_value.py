# expect: UnsupportedSyntax 6:9 | `numpy.sin` is not a number or array
import numpy as np


def f(x):
    g = np.sin
    return x * g
