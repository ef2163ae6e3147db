# expect: UnsupportedSyntax 5:16 | default parameter values are not supported
import numpy as np


def f(x, scale=2.0):
    return x * scale
