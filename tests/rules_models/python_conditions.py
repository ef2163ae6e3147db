"""Python in conditions and indexes: not/and/or, chained comparisons, calls in
an index. Models for tests/test_python_conditions.py; the test points keep away
from the places where a condition switches."""

import numpy as np


def not_and_or(x):
    s = np.sum(x)
    if not s > 0:
        s = s * 2.0
    if s > 0 and s < 10:
        s = s + np.sin(s)
    if s < -5 or s > 5:
        s = s * s
    return s


def chained(x):
    s = np.sum(x**2)
    if 0 < s < 1:
        return np.exp(s)
    if 1 <= s < 4 < 5:
        return s * np.sum(x)
    return np.cos(s)


def guarded_index(x, i):
    # `x[i]` is read only when `i < len(x)`: Python's short-circuit
    if i < len(x) and x[i] > 0:
        return x[i] * np.sum(x)
    return np.sum(x**3)


def or_guard(x, i):
    if i >= len(x) or x[i] < 0:
        return np.sum(np.tanh(x))
    return x[i] ** 2


def while_and_not(x):
    y = x
    n = 0
    while n < 20 and not np.sum(y**2) > 50:
        y = y * 1.5 + 0.1
        n = n + 1
    return np.sum(y)


def condition_picks_operand(x, t):
    # `a and b` as a condition: its truth value only, never a gradient
    s = np.sum(x)
    if t and s:
        return s * t
    return s - t


def truth_value(x):
    flag = np.sum(x) > 0 and np.max(x) < 3
    return np.where(flag, x**2, x**3).sum() + (1.0 if not flag else 2.0) * x[0]


def index_calls(x):
    n = 4
    return x[len(x) - 1] * x[x.shape[0] - 2] + x[n // 2] * x[len(x) // 2 - 1]


def shape_from_len(x):
    y = np.zeros(len(x)) + x
    return np.sum(y.reshape(len(x) // 2, 2)[len(x) // 2 - 1] ** 2)
