# expect: UnsupportedSyntax 9:9 | `while ... else` is not supported
import numpy as np


def f(x):
    while x > 1.0:
        x = x * 0.5
    else:
        x = x + 1.0
    return x
