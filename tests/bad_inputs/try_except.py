# expect: UnsupportedSyntax 6:5 | `try` blocks cannot be differentiated
import numpy as np


def f(x):
    try:
        y = np.log(x)
    except FloatingPointError:
        y = x
    return y
