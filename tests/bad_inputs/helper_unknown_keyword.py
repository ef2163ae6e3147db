# expect: UnsupportedSyntax 9:24 | `h` has no parameter `b` (or it is given twice)
import numpy as np


def h(a):
    return a * 2

def f(x):
    return np.sum(h(x, b=x))
