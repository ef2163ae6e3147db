# expect: UnsupportedSyntax 9:9 | `for ... else` is not supported
import numpy as np


def f(x, n):
    for i in range(n):
        x = x * 0.5
    else:
        x = x + 1.0
    return x
