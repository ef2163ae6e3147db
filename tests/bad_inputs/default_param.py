# expect: UnsupportedSyntax 5:16 | a default parameter value must be a number or a module constant
import numpy as np


def f(x, scale=np.ones(3)):
    return x * scale
