# expect: UnsupportedSyntax 6:5 | `continue` outside a loop
import numpy as np


def f(x):
    continue
    return x
