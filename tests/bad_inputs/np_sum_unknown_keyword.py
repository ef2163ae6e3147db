# expect: UnsupportedSyntax 6:22 | unsupported or repeated keyword argument `axs=`
import numpy as np


def f(x):
    return np.sum(x, axs=0)
