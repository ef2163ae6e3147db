# expect: NotSupportedYet 6:5 | `if` statements are not supported yet
import numpy as np


def f(x):
    if x > 0.0:
        x = x * 2.0
    return x
