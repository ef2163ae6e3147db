# expect: UnsupportedSyntax 7:5 | this augmented assignment is not supported
import numpy as np


def f(x):
    y = x * 3.0
    y //= 2.0
    return y
