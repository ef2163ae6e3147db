# expect: MutationNotSupported 6:5 | writing into an array element is not supported
import numpy as np


def f(x):
    x[0] = 1.0
    return np.sum(x)
