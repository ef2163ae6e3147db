# expect: UnsupportedSyntax 6:14 | range() takes one to three integers here
import numpy as np


def f(x, n):
    for i in range(n, step=2):
        x = x * 0.5
    return x
