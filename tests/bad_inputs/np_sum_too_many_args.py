# expect: UnsupportedSyntax 6:12 | too many arguments for `sum`
import numpy as np


def f(x):
    return np.sum(x, 0, False, 1)
