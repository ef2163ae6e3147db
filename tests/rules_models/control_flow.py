"""Control flow: branches, loops, early exits. Models for tests/test_control_flow.py.

Each model's points (in the test) keep away from the places where a branch
switches, so finite differences see a smooth function.
"""

import numpy as np


def if_else(x):
    if x > 0:
        y = x * x
    else:
        y = np.sin(x)
    return y * 3.0


def elif_chain(x):
    if x > 1:
        y = np.log(x)
    elif x > -1:
        y = x**3
    else:
        y = -x
    return y + x


def one_sided_update(x, w):
    y = x * w
    if np.sum(x) > 0:
        y = np.exp(y)
    return np.sum(y)


def conditional_expression(x, a):
    y = x * a if a > 0 else x / a
    return np.sum(y**2)


def for_range(x, w, n):
    h = x
    for i in range(n):
        h = np.tanh(w * h + x)
    return np.sum(h)


def for_range_index(x):
    s = 0.0
    for i in range(1, x.shape[0], 2):
        s = s + x[i] * x[i - 1]
    return s


def for_rows(X, w):
    total = 0.0
    for row in X:
        total = total + np.sin(row @ w)
    return total


def while_newton(a):
    x = a
    err = 1.0
    while err > 1e-12:
        x_new = 0.5 * (x + a / x)
        err = np.abs(x_new - x)
        x = x_new
    return x


def while_counter(x):
    i = 0
    y = x
    while i < 4:
        y = y * np.cos(y)
        i = i + 1
    return y


def for_break(x):
    y = x
    for i in range(100):
        y = y * 1.5
        if y > 10.0:
            break
    return y


def while_break(x):
    y = x
    while True:
        y = np.sqrt(y) + 1.0
        if y < 2.7:
            break
    return y


def for_continue(x):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] < 0:
            continue
        s = s + x[i] ** 2
    return s


def early_return(x):
    if x > 1:
        return np.log(x)
    y = x - 1
    return y * y


def return_in_loop(x):
    y = x
    for i in range(10):
        y = y * 2.0
        if y > 5.0:
            return y * x
    return -y


def return_in_nested_loop(x):
    y = x
    for i in range(4):
        for j in range(4):
            y = y + np.sin(y)
            if y > 3.0:
                return y
    return y * 0.5


def nested_loops(x, w):
    h = x
    for i in range(3):
        for j in range(2):
            h = np.tanh(h * w + 0.1 * i - 0.2 * j)
    return np.sum(h)


def branch_in_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0:
            t = np.exp(x[i])
        else:
            t = x[i] * x[i]
        s = s + t
    return s


def deep_exit(x):
    y = x
    for i in range(6):
        if y > 0:
            if y > 4.0:
                break
            y = y * 1.7
        y = y + 0.1
    return y * y


def leaky(v):
    if v > 0:
        return v
    return 0.01 * v


def loop_calls_helper(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + leaky(x[i]) * x[i]
    return s


def overwritten_in_loop(x, w):
    h = x
    for i in range(3):
        h = w * 2.0
    return np.sum(h * x)


def zero_trip_loop(x, n):
    y = x
    for i in range(n):
        y = y * x
    return np.sum(y)


def rnn(xs, W, U, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h**2)


def long_loop(x, n):
    y = x
    for i in range(n):
        y = y + 0.0001 * np.sin(y)
    return np.sum(y)


def copy_merge(x, y):
    if x > y:
        z = x
    else:
        z = y
    return z * z


def any_all_conditions(x):
    y = x
    while np.any(np.abs(y) > 0.1):
        y = 0.5 * y
    if (y > 0).all():
        return np.sum(y**2)
    return np.sum(np.sin(y))


def rotate_in_loop(x, y, z):
    for i in range(4):
        x, y, z = z, x, np.sin(y)
        if np.sum(x) > 1.0:
            y, x = x, y
            break
    return np.sum(x + 2.0 * y + 4.0 * z)


def nested_conditional_expressions(x):
    y = 2.0 * x if x > 0 else (3.0 if x < -1 else x * x)
    return y * x


def conditional_in_while_test(x):
    y = x
    while (np.sum(y) if x[0] > 0 else 2.0 * np.sum(y)) < 3.0:
        y = y + np.exp(x) + 0.5
    return np.sum(y * x)
