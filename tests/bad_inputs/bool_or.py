# expect: UnsupportedSyntax 6:9 | `and`/`or` are not supported
import numpy as np


def f(x, y):
    z = x or y
    return z
