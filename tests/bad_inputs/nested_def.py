# expect: UnsupportedSyntax 6:5 | nested functions are not supported
import numpy as np


def f(x):
    def g(t):
        return t * 2.0
    return x
