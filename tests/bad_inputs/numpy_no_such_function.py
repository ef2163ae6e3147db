# expect: UnknownFunction 7:12 | `np.sigmoid` (`numpy.sigmoid`): numpy has no function `sigmoid`
# not: has no derivative rule
import numpy as np


def f(x):
    return np.sigmoid(x)
