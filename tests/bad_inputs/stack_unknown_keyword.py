# expect: UnsupportedSyntax 5:36 | unsupported or repeated keyword argument `axes=`
import numpy as np

def f(x):
    return np.sum(np.stack([x, x], axes=0))
