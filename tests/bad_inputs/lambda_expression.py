# expect: UnsupportedSyntax 6:9 | lambda expressions are not supported
import numpy as np


def f(x):
    g = lambda t: t * 2.0
    return x
