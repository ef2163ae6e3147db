"""Hand-written numpy: each workload's forward pass and its backprop, as a careful person writes them.

These are the reference every other gradient is checked against, and the 1.0
of every ratio in the benchmark table.  The lecture function uses ``math`` on
Python floats, the networks reuse the forward values and the softmax in the
backward sweep, and sums of products are ``np.dot``.
"""

from __future__ import annotations

import math

import numpy as np


# --- lecture: f(x1, x2) = ln x1 + x1*x2 - sin x2 --------------------------------
def lecture_forward(x1, x2):
    return math.log(x1) + x1 * x2 - math.sin(x2)


def lecture_grad(x1, x2):
    return 1.0 / x1 + x2, x1 - math.cos(x2)


def lecture_value_and_grad(x1, x2):
    value = math.log(x1) + x1 * x2 - math.sin(x2)
    return value, (1.0 / x1 + x2, x1 - math.cos(x2))


# --- lab 7, vectorized: H = relu(X W1 + b1), Y = H W2 + b2, mean squared error -----
def net_vector_forward(X, T, W1, b1, W2, b2):
    H = np.maximum(X @ W1 + b1, 0)
    Y = H @ W2 + b2
    return np.mean((Y - T) ** 2)


def net_vector_grad(X, T, W1, b1, W2, b2):
    Z = X @ W1 + b1
    H = np.maximum(Z, 0)
    Y = H @ W2 + b2
    G = (Y - T) * (2.0 / Y.size)
    dZ = (G @ W2.T) * (Z > 0)
    return X.T @ dZ, dZ.sum(axis=0), H.T @ G, G.sum(axis=0)


# --- lab 7, the lab's scalar style: 13 scalar parameters, arrays of points ------
def net_scalar_forward(
    x1, x2, t, w11, w12, w21, w22, w31, w32, w41, w42, w43, b1, b2, b3, b4
):
    h1 = np.maximum(w11 * x1 + w12 * x2 + b1, 0)
    h2 = np.maximum(w21 * x1 + w22 * x2 + b2, 0)
    h3 = np.maximum(w31 * x1 + w32 * x2 + b3, 0)
    y1 = w41 * h1 + w42 * h2 + w43 * h3 + b4
    return np.mean((y1 - t) ** 2)


def net_scalar_grad(
    x1, x2, t, w11, w12, w21, w22, w31, w32, w41, w42, w43, b1, b2, b3, b4
):
    z1 = w11 * x1 + w12 * x2 + b1
    z2 = w21 * x1 + w22 * x2 + b2
    z3 = w31 * x1 + w32 * x2 + b3
    h1, h2, h3 = np.maximum(z1, 0), np.maximum(z2, 0), np.maximum(z3, 0)
    y1 = w41 * h1 + w42 * h2 + w43 * h3 + b4
    g = (y1 - t) * (2.0 / t.size)
    d1, d2, d3 = (g * w41) * (z1 > 0), (g * w42) * (z2 > 0), (g * w43) * (z3 > 0)
    return (
        d1 @ x1, d1 @ x2, d2 @ x1, d2 @ x2, d3 @ x1, d3 @ x2,
        g @ h1, g @ h2, g @ h3,
        d1.sum(), d2.sum(), d3.sum(), g.sum(),
    )  # fmt: skip


# --- MLP 784-256-256-10, ReLU, softmax cross-entropy averaged over the batch ----
def mlp_forward(X, Y, W1, b1, W2, b2, W3, b3):
    h1 = np.maximum(X @ W1 + b1, 0)
    h2 = np.maximum(h1 @ W2 + b2, 0)
    logits = h2 @ W3 + b3
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.sum(logp * Y) / X.shape[0]


def mlp_grad(X, Y, W1, b1, W2, b2, W3, b3):
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2 + b2
    h2 = np.maximum(z2, 0)
    logits = h2 @ W3 + b3
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    g = (e / e.sum(axis=1, keepdims=True) - Y) / X.shape[0]
    d2 = (g @ W3.T) * (z2 > 0)
    d1 = (d2 @ W2.T) * (z1 > 0)
    return X.T @ d1, d1.sum(axis=0), h1.T @ d2, d2.sum(axis=0), h2.T @ g, g.sum(axis=0)
