# expect: UnsupportedSyntax 6:9 | dictionaries are not supported
import numpy as np


def f(x):
    d = {"w": x}
    return x
