# expect: UnsupportedSyntax 6:5 | an expression statement has no effect on the result
import numpy as np


def f(x):
    print(x)
    return x * 2.0
