"""Control flow, differentiated: a recurrent network, Newton's method, a piecewise function.

    adgen compile examples/control_flow.py     # -> generated/control_flow_grad.py

Each function is ordinary Python; adgen keeps its loops and branches in the
emitted code and records on stacks what the backward sweep reads.
"""

import numpy as np

import adgen


@adgen.wrt("W", "U", "h0")
@adgen.shapes(xs="T 3", W="4 4", U="4 3", h0="4")
def rnn(xs, W, U, h0):
    """A vanilla RNN over a sequence: backpropagation through time."""
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h**2)


def newton_sqrt(a: float):
    """sqrt(a) by Newton's method; its derivative is 1 / (2 sqrt(a)), through every iteration."""
    x = a
    err = 1.0
    while err > 1e-12:
        x_new = 0.5 * (x + a / x)
        err = abs(x_new - x)
        x = x_new
    return x


def huber(r: float, delta: float):
    """The Huber loss: quadratic near zero, linear beyond delta."""
    if abs(r) <= delta:
        return 0.5 * r * r
    return delta * (abs(r) - 0.5 * delta)
