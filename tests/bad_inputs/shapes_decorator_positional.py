# expect: UnsupportedSyntax 5:2 | @adgen.shapes takes keyword arguments only
import numpy as np
import adgen

@adgen.shapes("n 3")
def f(x):
    return np.sum(x * x)
