# expect: UnsupportedSyntax 6:5 | `assert` cannot be differentiated
import numpy as np


def f(x):
    assert x > 0.0
    return np.log(x)
