# expect: UnsupportedSyntax 6:19 | np.concatenate needs a list of arrays (a literal, or a name bound to one)
import numpy as np


def f(xs):
    return np.sum(np.concatenate(xs))
