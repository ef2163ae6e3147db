# expect: UnresolvedName 9:12 | `t` has no value here: it is assigned only inside the loop at line 6
import numpy as np


def f(x, n):
    for i in range(n):
        t = x * 0.5
        x = t + 1.0
    return t
