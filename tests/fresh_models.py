"""Models whose gradients are, once the seed 1 is folded, an argument itself
(tests/test_fresh_results.py)."""

import numpy as np


def dot(x, w):
    return np.dot(x, w)


def product(x1, x2):
    return x1 * x2


def shift(x):
    return x + 1.0


def dot_of_dict(p):
    return np.dot(p["a"], p["b"])


def dot_of_list(p):
    return np.dot(p[0], p[1])


def add(x, w):
    return x + w


def dot_with_row(x, W):
    return np.dot(x, W[0])


def dot_with_transpose(x, w):
    return np.dot(x, w.T)


def transposed(x):
    return x.T


def raveled(x):
    return np.ravel(x)
