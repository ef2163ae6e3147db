# expect: UnsupportedSyntax 7:9 | a bare `return` gives no value to differentiate
import numpy as np


def f(x):
    if x > 0.0:
        return
    return x
