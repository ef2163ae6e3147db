# expect: UnsupportedSyntax 6:10 | comprehensions are not supported
import numpy as np


def f(x):
    ys = [x * i for i in range(3)]
    return np.sum(np.stack(ys))
