"""Models evaluated on float32 inputs.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


def f32_sin(x):
    return np.sum(np.sin(x) * x)


def f32_mean(x):
    return np.mean(x * x)


def f32_max(x):
    return np.max(x, axis=1).sum()


def f32_index(x):
    return np.sum(x[1:, 0] ** 2)


def f32_matmul(x):
    return np.sum(np.tanh(x @ x.T))


def f32_logsumexp(x):
    return logsumexp(x)


def f32_broadcast(a, b):
    return np.sum(np.sin(a * b + b))
