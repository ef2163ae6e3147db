# expect: UnsupportedSyntax 6:9 | gives one of its operands, not a truth value
import numpy as np


def f(x, y):
    z = x or y
    return z
