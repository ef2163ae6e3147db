# expect: UnsupportedSyntax 6:12 | sets are not supported
import numpy as np


def f(x):
    café = {x, 0.0}
    return café
