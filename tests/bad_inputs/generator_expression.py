# expect: UnsupportedSyntax 6:12 | generator expressions are not supported
import numpy as np


def f(x):
    y = sum(x * i for i in range(3))
    return y
