# expect: UnsupportedSyntax 6:12 | returning several values is not supported
import numpy as np


def f(x):
    return x, x * 2.0
