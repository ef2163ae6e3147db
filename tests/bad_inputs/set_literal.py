# expect: UnsupportedSyntax 6:9 | sets are not supported
import numpy as np


def f(x):
    s = {x, 1.0}
    return x
