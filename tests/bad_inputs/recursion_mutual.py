# expect: RecursionNotSupported 14:12 | recursive call (_even -> _odd -> _even)
import numpy as np


def loss(x):
    return _even(x)


def _even(x):
    return _odd(x) * 2.0


def _odd(x):
    return _even(x) + 1.0
