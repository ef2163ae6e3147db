# expect: UnsupportedSyntax 6:19 | np.concatenate needs a literal list of arrays
import numpy as np


def f(xs):
    return np.sum(np.concatenate(xs))
