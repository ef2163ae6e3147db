"""Models whose gradient is checked at kinks, against the documented conventions (closed forms).

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


def relu(z):
    return np.maximum(z, 0.0)


def relu_left(z):
    return np.maximum(0, z)


def relu_mask(z):
    return z * (z > 0)


def relu_where(z):
    return np.where(z > 0, z, 0.0)


def k_max_right(x):
    return np.sum(np.maximum(x, 0))


def k_max_left(x):
    return np.sum(np.maximum(0, x))


def k_max_float(x):
    return np.sum(np.maximum(x, 0.0))


def k_abs(x):
    return np.sum(np.abs(x))


def k_relu(x):
    return np.sum(relu(x))


def k_relu_left(x):
    return np.sum(relu_left(x))


def k_relu_mask(x):
    return np.sum(relu_mask(x))


def k_relu_where(x):
    return np.sum(relu_where(x))


def k_abs_builtin(x: float):
    return abs(x)


def k_max_builtin(x: float):
    return max(x, 0.0)


def k_max_builtin_left(x: float):
    return max(0.0, x)


def k_fabs(x: float):
    return math.fabs(x)


def k_clip(x):
    return np.sum(np.clip(x, -1.0, 1.0))


def k_min_right(x):
    return np.sum(np.minimum(x, 0))


def k_min_left(x):
    return np.sum(np.minimum(0.0, x))


def k_max_ties(x):
    return np.max(x)


def k_min_ties_axis(x):
    return np.sum(np.min(x, axis=1))
