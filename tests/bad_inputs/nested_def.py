# expect: UnsupportedSyntax 7:9 | a local function defined inside an if or a loop is not supported
import numpy as np


def f(x):
    for i in range(3):
        def g(t):
            return t * i
        x = g(x)
    return x
