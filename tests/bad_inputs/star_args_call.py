# expect: UnsupportedSyntax 7:23 | star-arguments are not supported
import numpy as np


def f(x):
    xs = [x, x]
    return np.maximum(*xs)
