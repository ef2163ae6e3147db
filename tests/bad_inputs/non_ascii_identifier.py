# expect: NotSupportedYet 6:12 | conditional expressions are not supported yet
import numpy as np


def f(x):
    café = x if x > 0.0 else 0.0
    return café
