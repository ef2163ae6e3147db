# expect: UnsupportedSyntax 7:12 | `**kwargs` arguments are not supported
import numpy as np


def f(x):
    opts = 0
    return np.sum(x, **opts)
