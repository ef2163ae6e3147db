# expect: UnsupportedSyntax 5:8 | `*args` parameters are not supported
import numpy as np


def f(*args):
    return args
