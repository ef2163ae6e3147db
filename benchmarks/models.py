"""Benchmark workloads, as a user would write them for adgen (compiled by run.py)."""

import numpy as np
from scipy.special import logsumexp

from adgen import shapes, wrt


def relu(z):
    return np.maximum(z, 0)


def lecture(x1: float, x2: float):
    return np.log(x1) + x1 * x2 - np.sin(x2)


@wrt("W1", "b1", "W2", "b2", "W3", "b3")
@shapes(
    X="batch 784",
    Y="batch 10",
    W1="784 256",
    b1="256",
    W2="256 256",
    b2="256",
    W3="256 10",
    b3="10",
)
def mlp(X, Y, W1, b1, W2, b2, W3, b3):
    """784-256-256-10 ReLU network, softmax cross-entropy averaged over the batch."""
    h1 = relu(X @ W1 + b1)
    h2 = relu(h1 @ W2 + b2)
    logits = h2 @ W3 + b3
    logp = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.sum(logp * Y) / X.shape[0]
