# expect: UnsupportedSyntax 6:5 | a bare annotation declares nothing to compute
import numpy as np


def f(x):
    y: float
    return x
