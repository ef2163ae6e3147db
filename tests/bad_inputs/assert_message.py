# expect: UnsupportedSyntax 6:27 | an assert's message must be a literal string here
import numpy as np


def f(x):
    assert np.sum(x) > 0, np.sum(x)
    return x * 2.0
