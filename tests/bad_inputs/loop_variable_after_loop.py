# expect: UnresolvedName 9:12 | `i` has no value here: it is the variable of the loop at line 6
import numpy as np


def f(x, n):
    for i in range(n):
        x = x * 0.5
    y = x
    return i * y
