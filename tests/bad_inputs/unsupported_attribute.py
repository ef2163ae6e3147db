# expect: UnsupportedSyntax 6:19 | the attribute `.strides` is not supported
import numpy as np


def f(x):
    return np.sum(x.strides)
