# expect: UnsupportedSyntax 6:37 | lambda expressions are supported only as `name = lambda ...`
import numpy as np


def f(x):
    return np.sum(np.array(list(map(lambda t: t * 2.0, [x]))))
