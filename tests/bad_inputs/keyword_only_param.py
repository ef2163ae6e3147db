# expect: UnsupportedSyntax 5:13 | keyword-only parameters are not supported
import numpy as np


def f(x, *, k):
    return x * k
