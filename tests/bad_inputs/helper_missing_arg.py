# expect: UnsupportedSyntax 6:12 | missing argument `k` in the call to `_scale`
import numpy as np


def f(x):
    return _scale(x)


def _scale(x, k):
    return x * k
