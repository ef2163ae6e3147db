# expect: UnresolvedName 11:23 | `W`
# not: not defined in the function or at the top of the file
import numpy as np


W = np.ones(3)
W = W * 2.0  # bound twice: which value a function sees depends on when it runs


def f(x):
    return np.sum(x * W)
