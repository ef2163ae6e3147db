"""The benchmark's models as a student or practitioner writes them: no annotations.

The same functions as models.py and lab 7's net_vector.py and net_scalar.py,
without ``x: float``, ``@shapes`` or ``@wrt``: what adgen must make fast
without being told the shapes (run.py's "as written" section).
"""

import numpy as np
from scipy.special import logsumexp


def relu(z):
    return np.maximum(z, 0)


def lecture(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


def net_vector(X, T, W1, b1, W2, b2):
    H = relu(X @ W1 + b1)
    Y = H @ W2 + b2
    return np.mean((Y - T) ** 2)


def net(x1, x2, w11, w12, w21, w22, w31, w32, w41, w42, w43, b1, b2, b3, b4):
    h1 = relu(w11 * x1 + w12 * x2 + b1)
    h2 = relu(w21 * x1 + w22 * x2 + b2)
    h3 = relu(w31 * x1 + w32 * x2 + b3)
    return w41 * h1 + w42 * h2 + w43 * h3 + b4


def net_scalar(x1, x2, t, w11, w12, w21, w22, w31, w32, w41, w42, w43, b1, b2, b3, b4):
    y1 = net(x1, x2, w11, w12, w21, w22, w31, w32, w41, w42, w43, b1, b2, b3, b4)
    return np.mean((y1 - t) ** 2)


def mlp(X, Y, W1, b1, W2, b2, W3, b3):
    h1 = relu(X @ W1 + b1)
    h2 = relu(h1 @ W2 + b2)
    logits = h2 @ W3 + b3
    logp = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.sum(logp * Y) / X.shape[0]
