# expect: UnsupportedSyntax 7:12 | a dict cannot be used as a number or array
import numpy as np


def f(x):
    d = {"w": x}
    return d * 2.0
