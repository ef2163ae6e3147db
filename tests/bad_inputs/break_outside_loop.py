# expect: UnsupportedSyntax 7:9 | `break` outside a loop
import numpy as np


def f(x):
    if x > 0.0:
        break
    return x
