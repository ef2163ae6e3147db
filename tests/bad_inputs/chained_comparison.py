# expect: UnsupportedSyntax 6:9 | only single comparisons
import numpy as np


def f(x):
    m = 0.0 < x < 1.0
    return np.where(m, x, 0.0)
