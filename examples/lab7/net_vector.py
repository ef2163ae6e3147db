"""Lab 7's network, vectorized for training: X holds n points, one per row.

    H = relu(X @ W1 + b1)        # (n, 3)
    y = H @ W2 + b2              # (n, 1)

The same 9 weights and 4 biases as net_scalar.py: W1[j-1, i-1] is w_ij,
W2[i-1, 0] is w_4i, b1[i-1] is b_i and b2[0] is b4.
"""

import numpy as np

from adgen import shapes, wrt


def relu(z):
    return np.maximum(z, 0)


@wrt("W1", "b1", "W2", "b2")
@shapes(X="n 2", T="n 1", W1="2 3", b1="3", W2="3 1", b2="1")
def loss(X, T, W1, b1, W2, b2):
    """Mean squared error of the network on the points X with targets T."""
    H = relu(X @ W1 + b1)
    Y = H @ W2 + b2
    return np.mean((Y - T) ** 2)
