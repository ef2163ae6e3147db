# expect: UnsupportedSyntax 6:5 | classes are not supported
import numpy as np


def f(x):
    class Box:
        pass
    return x
