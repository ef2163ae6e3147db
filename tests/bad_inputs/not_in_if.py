# expect: UnsupportedSyntax 8:8 | `not` and `~` are not supported
# not: logical_not
import numpy as np


def f(x):
    # a scalar condition: the hint swaps the branches or flips the comparison
    if not x > 0.0:
        return x
    return 2.0 * x
