# expect: UnsupportedSyntax 5:1 | must end with `return <value>` on every path
import numpy as np


def f(x):
    if x > 0.0:
        return x
