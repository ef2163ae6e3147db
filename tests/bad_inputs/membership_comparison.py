# expect: UnsupportedSyntax 6:9 | only the comparisons <, <=, >, >=, ==, != are supported
import numpy as np


def f(x, y):
    m = 0.0 < x in y
    return np.where(m, x, 0.0)
