# expect: MutationNotSupported 6:5 | `x[0] = ...` writes into `x`, a parameter (the caller's array)
import numpy as np


def f(x):
    x[0] = 1.0
    return np.sum(x)
