# expect: UnsupportedSyntax 6:5 | `match` statements are not supported
import numpy as np


def f(x, k):
    match k:
        case 0:
            x = x * 2.0
    return x
