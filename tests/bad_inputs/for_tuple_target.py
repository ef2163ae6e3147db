# expect: UnsupportedSyntax 7:9 | a `for` loop must bind one plain name
import numpy as np


def f(xs):
    s = 0.0
    for i, x in enumerate(xs):
        s = s + x
    return s
