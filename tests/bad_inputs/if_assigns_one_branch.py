# expect: UnresolvedName 9:12 | `y` has no value here: it is assigned in only one branch
import numpy as np


def f(x):
    if x > 0.0:
        y = x * 2.0
    z = x + 1.0
    return y * z
