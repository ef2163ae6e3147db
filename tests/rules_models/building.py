"""Building arrays from values: np.array/np.asarray of lists, list literals,
np.stack/np.concatenate of lists. Models for tests/test_building_arrays.py."""

import numpy as np


def array_of_scalars(x, y):
    v = np.array([x * y, np.sin(x), y])
    return np.sum(v**2)


def array_nested(x, y):
    m = np.array([[x, y], [y * y, 1.0]])
    return np.sum(m @ m)


def asarray_of_arrays(a, b):
    m = np.asarray([a, 2.0 * b, a * b])
    return np.sum(np.tanh(m) * np.arange(3)[:, None])


def list_literal(x, w):
    v = [x[0], x[1] * w]
    return np.dot(v, [1.0, 2.0]) + np.sum(x * v) + v[1] + np.stack(v).sum()


def list_index(x):
    v = [x[0] * x[1], np.exp(x[2]), x[1]]
    i = len(v) - 1
    return v[i] * v[0] + np.sum(v[1:]) * np.array(v)[i - 1]


def stack_and_concatenate(a, b):
    parts = [a, b * b]
    joined = np.concatenate(parts) ** 2
    return np.sum(joined) + np.sum(np.stack((a, b), axis=1) * np.array([1.0, 2.0]))
