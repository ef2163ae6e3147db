# expect: UnsupportedSyntax 6:15 | a generator expression is supported only as the argument of sum(...)
import numpy as np


def f(x):
    y = np.sum(x * i for i in range(3))
    return y
