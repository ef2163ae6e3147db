"""A 50-step recurrent network, written as a student writes it (no annotations):
the loop model of the benchmark's memory table (benchmarks/rnn_memory.py)."""

import numpy as np

from adgen import wrt

STEPS = 50


@wrt("W", "U", "b")
def rnn(W, U, b, xs, h0):
    """Sum of squares of the last state of h_t = tanh(h_{t-1} W + x_t U + b)."""
    h = h0
    for t in range(STEPS):
        h = np.tanh(h @ W + xs[t] @ U + b)
    return np.sum(h**2)
