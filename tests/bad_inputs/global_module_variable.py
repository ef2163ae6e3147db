# expect: UnresolvedName 10:23 | `W`
# not: not defined in the function or at the top of the file
import numpy as np


W = np.ones(3)


def f(x):
    return np.sum(x * W)
