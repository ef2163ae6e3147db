# expect: UnsupportedSyntax 6:5 | `raise` cannot be differentiated
import numpy as np


def f(x):
    raise ValueError("negative input")
    return x
