# expect: NotSupportedYet 7:5 | `break` is not supported yet
import numpy as np


def f(x):
    y = x * 0.5
    break
    return y
