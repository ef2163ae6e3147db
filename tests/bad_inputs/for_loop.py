# expect: NotSupportedYet 7:5 | `for` loops are not supported yet
import numpy as np


def f(x):
    y = 0.0
    for i in range(3):
        y = y + x
    return y
