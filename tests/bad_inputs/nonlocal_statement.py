# expect: UnsupportedSyntax 6:5 | `nonlocal` is not supported
import numpy as np


def f(x):
    nonlocal y
    return x
