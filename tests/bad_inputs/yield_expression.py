# expect: UnsupportedSyntax 6:9 | generators are not supported
import numpy as np


def f(x):
    y = yield x
    return y
