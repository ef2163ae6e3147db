# expect: UnresolvedName 9:14 | `I` is a module-level variable that the file binds more than once
import numpy as np

I = 0
I = I + 1


def f(x):
    return x[I] * 2.0
