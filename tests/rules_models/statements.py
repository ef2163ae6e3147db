"""Local functions: nested defs and named lambdas, reading the enclosing
function's variables as Python's closures do (the value at the call). Models for
tests/test_statements.py."""

import numpy as np

SHIFT = 0.25


def iterpower_with_nested_def(a, n):
    # tangent's functions.py, as written there
    def _fn(a, n):
        return a * n

    for i in range(n):  # noqa: B007
        a = _fn(a, a)
    return a


def named_lambda(x, b):
    act = lambda z: np.maximum(z, 0.0) + 0.1 * z  # noqa: E731
    return np.sum(act(x * b) ** 2)


def closure_over_parameter(x, w):
    def layer(h):
        return np.tanh(w * h + SHIFT)

    return np.sum(layer(layer(x)))


def late_binding(x, w):
    # `scale` is read when `act` is called: 2.0, then 3.0, as in Python
    scale = 2.0
    act = lambda z: np.sin(z) * scale  # noqa: E731

    def layer(h):
        return act(h * w) + w

    h = layer(x)
    scale = 3.0
    return np.sum(layer(h) ** 2)


def rebound_in_loop(x, w):
    k = 1.0

    def step(h):
        return np.sin(h * w) * k

    for _i in range(3):
        x = step(x)
        k = k + 0.5
    return np.sum(x)


def default_and_keyword(x):
    def poly(z, power=2, shift=1.0):
        return (z + shift) ** power

    return np.sum(poly(x) + poly(x, power=3) + poly(x, shift=SHIFT))


def _helper_with_local(x):
    def square(z):
        return z * z

    return square(x) + x


def local_in_helper(x):
    return np.sum(_helper_with_local(np.cos(x)))


def printing(x, w):
    # print runs once per forward pass; assert raises where the model would
    assert len(x) == 4, "x needs 4 values"
    h = np.tanh(x * w)
    print("h:", h, sep=" ")
    loss = np.sum(h**2)
    assert loss < 3.0
    for i in range(2):
        print("step", i, loss)
        loss = loss * 1.5 + np.sum(x)
    return loss


def assert_on_shapes(x, w):
    assert x.shape == w.shape
    assert x.shape[0] > 1 and len(w) > 1, "two values at least"
    return np.sum(x * w) ** 2


def print_in_helper(x):
    return _shout(np.sin(x)) * 2.0


def _shout(y):
    print(y)
    return np.sum(y)


def casts(x, W):
    # int casts are data (piecewise constant), float casts the identity
    s = float(np.sum(x**2))
    k = int(np.sum(x))
    inds = np.int64(W[:, -1])
    t = np.float64(np.sum(W[:, :-1][inds] * 2.0))
    return s * t + k * s + np.sum(np.int32(x * 3.0) * x)


def cast_indexes(W):
    # autograd's test_cast_to_int, without its unused concatenate
    new_W = W[:, :-1]
    new_inds = np.int64(W[:, -1])
    assert new_inds.dtype == np.int64
    return new_W[new_inds].sum()


def print_in_control_flow(x, n):
    s = np.sum(x**2)
    if s > 1.0:
        print("big", s)
        s = s * 0.5
    else:
        assert s >= 0.0, "negative"
    while s < 10.0:
        print("doubling", s)
        s = s * 2.0
    for _i in range(int(n)):
        s = s + float(np.sum(x)) * 0.1
    return s


def lecture_with_print(x1, x2):
    print(x1)
    assert x1 > 0
    return np.log(x1) + x1 * x2 - np.sin(x2)
