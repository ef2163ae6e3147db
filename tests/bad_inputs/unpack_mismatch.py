# expect: UnsupportedSyntax 6:5 | cannot unpack 3 values into 2 names
import numpy as np


def f(x):
    a, b = x, x * 2.0, x * 3.0
    return a + b
