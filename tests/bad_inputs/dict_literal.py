# expect: UnsupportedSyntax 6:9 | a dict needs string constant keys here
import numpy as np


def f(x):
    d = {1: x}
    return x
