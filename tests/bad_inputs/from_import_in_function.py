# expect: UnsupportedSyntax 6:5 | imports inside a function are not supported
import numpy as np


def f(x):
    from math import sin
    return sin(x)
