# expect: UnsupportedSyntax 7:12 | is a tuple or list of values here, and Python's list arithmetic is not numpy's
import numpy as np


def f(x):
    y = _pair(x)
    return y * 2


def _pair(x):
    return x, x * 2.0
