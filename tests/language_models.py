"""Models for tests/test_language.py: has_aux, defaults and keywords, written as
JAX and autograd users write them.  Compiled by ``adgen compile`` and through
the runtime API; each has a jax.numpy twin in the test for the reference."""

import numpy as np

import adgen


@adgen.has_aux
def tanh_loss(w, x):
    y = np.tanh(x @ w)
    return np.sum(y**2), {"y": y, "stats": (np.mean(y), 2.0)}


def plain_loss(w, x):
    """No decorator: has_aux comes from the call (adgen.grad(..., has_aux=True))."""
    y = np.sin(w) * x
    return np.sum(y * y), y


@adgen.has_aux
def looped(a: float, b: float):
    """The aux is a value a loop computes, which the backward sweep pops back."""
    s = a * b
    for _ in range(3):
        s = s * a + 1.0
    return s / b, s


K = 3.0


def power_sum(x, k=2, shift=K):
    return x**k + shift


def scaled(x, scale=2.0, n=K):
    """Defaults, a helper called with a keyword and with its own defaults."""
    return np.sum(power_sum(x, k=3) * scale) + n * np.sum(power_sum(x))


W0 = np.eye(3) * 2.0
SHIFT = np.float64(0.5) + 1.0  # a module variable: known only when the file runs


def rotate(x):
    return scale_up(x) + SHIFT * np.sum(x)


def scale_up(x):
    return np.sum(np.tanh(W0 @ x))


def layer(x, w):
    h = np.tanh(x * w)
    return {"h": h, "norm": np.sum(h * h)}


def dict_helper(x, w):
    """A helper returning a dict; entries read by key, a pair unpacked."""
    out = layer(x, w)
    pair = (out["h"], out["norm"])
    h, norm = pair
    return np.sum(h) + norm
