"""Shared pieces of lab 7: the target, the data, the test grid, and the 13 parameters.

The 13 parameters travel as one flat vector ``theta``, in the lab's order
w11 w12 w21 w22 w31 w32 w41 w42 w43 b1 b2 b3 b4; ``as_scalars`` and
``as_arrays`` give them to the scalar-style and the vectorized network.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(
    0, str(ROOT / "generated")
)  # the code adgen wrote: net_scalar_grad, net_vector_grad

import net_scalar_grad  # noqa: E402
import net_vector_grad  # noqa: E402

NAMES = "w11 w12 w21 w22 w31 w32 w41 w42 w43 b1 b2 b3 b4".split()  # noqa: SIM905


def target(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The function to fit: f(x1, x2) = 2*x1 + x1*x2 on [-1, 1]^2."""
    return 2 * x1 + x1 * x2


def samples(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points drawn uniformly from [-1, 1]^2 (rows), and their targets."""
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, target(X[:, 0], X[:, 1])


def test_grid() -> tuple[np.ndarray, np.ndarray]:
    """The lab's grid: x = y = -1:0.1:1 and [X, Y] = meshgrid(x, y), as in MATLAB."""
    axis = np.linspace(-1.0, 1.0, 21)  # -1:0.1:1 without accumulated rounding
    return np.meshgrid(axis, axis)  # 'xy' indexing: X varies along columns, like MATLAB


def as_scalars(theta: np.ndarray) -> list[float]:
    return [float(v) for v in theta]


def as_arrays(
    theta: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """theta -> (W1 (2, 3), b1 (3,), W2 (3, 1), b2 (1,)) with W1[j-1, i-1] = w_ij."""
    w = theta[:6].reshape(3, 2)  # rows: neuron i; columns: input j
    return (
        w.T.copy(),
        theta[9:12].copy(),
        theta[6:9].reshape(3, 1).copy(),
        theta[12:13].copy(),
    )


def from_arrays(
    W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray
) -> np.ndarray:
    return np.concatenate([W1.T.ravel(), W2.ravel(), b1, b2])


def predict(theta: np.ndarray, x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The network's output at points (x1, x2), computed by the generated forward code."""
    y, _ = net_scalar_grad.forward_net(x1, x2, *as_scalars(theta))
    return y


def loss_and_grad(
    theta: np.ndarray, X: np.ndarray, t: np.ndarray, model: str = "vector"
) -> tuple[float, np.ndarray]:
    """Mean squared error and its gradient in theta, from one of the generated
    ``value_and_grad_loss`` (both sweeps in one function, no tape)."""
    if model == "scalar":
        value, grads = net_scalar_grad.value_and_grad_loss(
            X[:, 0], X[:, 1], t, *as_scalars(theta)
        )
        return float(value), np.array(grads)
    W1, b1, W2, b2 = as_arrays(theta)
    value, grads = net_vector_grad.value_and_grad_loss(X, t[:, None], W1, b1, W2, b2)
    return float(value), from_arrays(*grads)
