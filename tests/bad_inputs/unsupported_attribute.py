# expect: UnsupportedSyntax 6:19 | the attribute `.real` is not supported
import numpy as np


def f(x):
    return np.sum(x.real)
