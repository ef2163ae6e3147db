# expect: NotSupportedYet 7:5 | `while` loops are not supported yet
import numpy as np


def f(x):
    y = x
    while True:
        y = y * 0.5
        break
    return y
