# expect: NotSupportedYet 6:9 | `and`/`or` are not supported yet
import numpy as np


def f(x, y):
    z = x or y
    return z
