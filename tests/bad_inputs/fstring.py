# expect: UnsupportedSyntax 6:9 | f-strings are not supported
import numpy as np


def f(x):
    s = f"x = {x}"
    return x
