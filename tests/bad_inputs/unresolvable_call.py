# expect: UnresolvedName 6:12 | cannot resolve the function `helper` statically
import numpy as np


def f(x):
    return helper(x)
