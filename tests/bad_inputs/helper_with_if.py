# expect: NotSupportedYet 10:5 | `if` statements are not supported yet
import numpy as np


def f(x):
    return np.sum(_relu(x))


def _relu(x):
    if x > 0.0:
        return x
    return 0.0
