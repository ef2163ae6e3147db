# expect: UnresolvedName 6:16 | name `z` is not defined
import numpy as np


def f(x):
    return x + z
