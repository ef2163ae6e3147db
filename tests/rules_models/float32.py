"""Models evaluated on float32 inputs.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math

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


# The float32 gaps fuzzing found (tests/fuzz_regressions/007-015), closed: each
# keeps float32 with the Python-float seed 1.0.
def f32_pow_constant_base(x):
    return np.sum(2.0**x)


def f32_logsumexp_axis_output(x):
    return logsumexp(x[1], axis=-1)


def f32_math_of_element(x):
    return math.sin(math.tanh(x[0, 1]))


def f32_logsumexp_plus_element(x):
    return logsumexp(x) + x[0, 0]


def f32_maximum_of_elements(x):
    return -np.maximum(x[0, 1], 0.5 * x[1, 2])
