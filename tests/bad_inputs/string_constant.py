# expect: UnsupportedSyntax 6:9 | the constant 'scale' is not a number
import numpy as np


def f(x):
    y = "scale"
    return x * y
