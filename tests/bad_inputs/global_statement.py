# expect: UnsupportedSyntax 9:5 | `global` is not supported
import numpy as np


SCALE = 2.0


def f(x):
    global SCALE
    return x * SCALE
