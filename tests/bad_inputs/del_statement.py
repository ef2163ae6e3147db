# expect: UnsupportedSyntax 7:5 | `del` is not supported
import numpy as np


def f(x):
    y = x * 2.0
    del y
    return x
