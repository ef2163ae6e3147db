# expect: UnsupportedSyntax 6:5 | generators are not supported
import numpy as np


def f(x):
    yield x
    return x
