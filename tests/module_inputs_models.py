"""Models that read module-level values computed when the file runs, written the
way people write them (tests/test_module_inputs.py compiles them with the CLI)."""

import numpy as np

import adgen

rng = np.random.default_rng(0)
W1 = rng.standard_normal((4, 3))
b1 = np.zeros(4)
W2 = rng.standard_normal((1, 4)) * 0.5
TABLE = np.array([0.5, -1.0, 2.0])
SCALE = 0.5  # a literal: folded into the code, not a parameter
TWO_PI = 2 * np.pi  # arithmetic on constants: folded too
N_HIDDEN = W1.shape[0]  # sizes read from arrays: inputs, used as sizes
N_STEPS = len(TABLE)


def mlp(x):
    h = np.tanh(W1 @ x + b1)
    return np.sum(W2 @ h) * SCALE


def weighted(x, power=2.0):
    return np.sum(TABLE * x**power)


def _penalty(x):
    return np.sum(TABLE * np.sin(TWO_PI * x))


def with_helper(x):
    return np.sum(np.tanh(W1 @ x)) + _penalty(x)


def recurrent(x):
    h = np.zeros(N_HIDDEN)
    for _ in range(N_STEPS):
        h = np.tanh(W1 @ x + 0.5 * h)
    return np.sum(h)


def shadowed(x):
    TABLE = x * 2.0  # a local: the module's TABLE is not read
    return np.sum(TABLE * x)


@adgen.has_aux
def with_aux(params, x):
    h = np.tanh(params["W"] @ x + b1)
    return np.sum(TABLE[0] * h), h
