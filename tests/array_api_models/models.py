"""Models that tests/test_array_api.py compiles once with --target array-api."""

import numpy as np
from scipy.special import logsumexp

from adgen import shapes, wrt


@wrt("W1", "b1", "W2", "b2")
@shapes(X="n 4", T="n 2", W1="4 5", b1="5", W2="5 2", b2="2")
def mlp(X, T, W1, b1, W2, b2):
    """A tanh MLP, mean squared error."""
    H = np.tanh(X @ W1 + b1)
    Y = H @ W2 + b2
    return np.mean((Y - T) ** 2)


@wrt("w", "b")
@shapes(X="n 3", y="n", w="3", b="()")
def logistic(X, y, w, b):
    """Logistic regression: mean log-loss, labels y in {-1, 1}."""
    z = X @ w + b
    return np.mean(np.log1p(np.exp(-y * z)))


def features(x):
    """Elementwise functions whose standard names differ from numpy's, reductions,
    a transpose, a concatenation and a maximum along an axis."""
    a = np.arcsin(x) + np.arctan(x) * np.arccos(x) + np.arcsinh(x)
    b = np.concatenate([a, np.sqrt(x)], axis=1)
    c = np.max(b, axis=0) * np.abs(np.sum(x.T, axis=1)).mean()
    return np.sum(c**2) + np.power(x, 3).sum()


def unknown_rank(x, y):
    """matmul of operands whose ranks no annotation gives: runtime_xp's helpers."""
    return np.sum(np.sin(x @ y))


def indexed(x):
    """Basic indexes: integers, slices, an ellipsis (runtime_xp.index_adjoint)."""
    return np.sum(x[0, :3] * x[1:, 1]) + np.sum(x[..., -1] ** 2)


def dotted(x, A):
    """np.dot of a matrix and a vector, of two vectors, and a method call."""
    v = np.dot(A, x)
    return np.dot(v, v) + A.dot(x).sum()


def softmax_loss(Z, W):
    """Cross-entropy through logsumexp (runtime_xp's), and exp2."""
    S = Z @ W
    return np.mean(logsumexp(S, axis=1) - S[:, 0]) + np.sum(np.exp2(W))
