"""Writes into freshly built arrays (y[i] = v), made functional by adgen.
Models for tests/test_array_writes.py."""

import numpy as np


def recurrence(x, a):
    y = np.zeros(len(x))
    y[0] = x[0]
    for i in range(1, len(x)):
        y[i] = a * y[i - 1] + x[i]
    return np.sum(y**2)


def columns(x, w):
    out = np.zeros((3, 2))
    out[:, 0] = x * w
    out[:, 1] += np.sin(x)
    out[1] = 0.5
    return np.sum(out * out)


def branch_write(x):
    y = x * 1.0
    if np.sum(x) > 0:
        y[0] = np.exp(x[1])
    return np.sum(y * x)


def write_copy_of_parameter(x):
    z = np.array(x)
    z[1:] = z[:-1] * x[1:]
    return np.sum(z**2) + np.sum(x)


def mask_write(x):
    y = x + 0.0
    y[x < 0] = 0.0
    return np.sum(y * y)


def matrix_entries(a, b):
    m = np.zeros((2, 2))
    m[0, 0] = a
    m[1, 1] = b
    m[0, 1] = a * b
    return np.sum(np.tanh(m @ m))


def rows_counted_by_len(x, w):
    # the loop reads only h's length, not its rows: no view of h is kept
    h = np.zeros((len(x), 2))
    for t in range(len(h)):
        h[t] = x[t] * w
    return np.sum(np.sin(h))
