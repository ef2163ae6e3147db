# expect: NotSupportedYet 6:5 | `while` loops are not supported yet
import numpy as np


def f(x):
    while x < 10.0:
        x = x * 2.0
    return x
