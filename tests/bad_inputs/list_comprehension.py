# expect: UnsupportedSyntax 6:26 | the trip count of `for ... in range(len(x))` is not known when compiling
import numpy as np


def f(x):
    ys = [x * i for i in range(len(x))]
    return np.sum(np.stack(ys))
