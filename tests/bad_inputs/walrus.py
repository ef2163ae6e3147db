# expect: UnsupportedSyntax 6:10 | `:=` is not supported
import numpy as np


def f(x):
    y = (z := x + 1.0)
    return y * z
