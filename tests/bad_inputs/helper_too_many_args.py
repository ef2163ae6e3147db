# expect: UnsupportedSyntax 6:12 | `_scale` takes 2 arguments, 3 given
import numpy as np


def f(x):
    return _scale(x, 2.0, 3.0)


def _scale(x, k):
    return x * k
