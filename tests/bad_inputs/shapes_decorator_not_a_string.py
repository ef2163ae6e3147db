# expect: UnsupportedSyntax 5:17 | @adgen.shapes: `x` must be a parameter given a string of dimensions
import numpy as np
import adgen

@adgen.shapes(x=3)
def f(x):
    return np.sum(x * x)
