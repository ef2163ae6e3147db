"""Lab 7's network, written the way the lab names it: 2 inputs, 3 ReLU neurons, 1 output.

    y1 = sum_{i=1..3} w4i * relu(wi1 * x1 + wi2 * x2 + bi) + b4

9 weights (w11 ... w32 into the hidden layer, w41 w42 w43 out of it) and 4
biases (b1 b2 b3, b4).  The weights are declared scalars (``float``).  In
``loss``, x1, x2 and t are arrays of points (declared with one shape "n", so
the compiler knows they broadcast without a run-time check), and broadcasting
then makes each weight's adjoint the sum over all points.
"""

# The lab's layout, one neuron per line: black leaves it alone.
# fmt: off

import numpy as np

from adgen import shapes, wrt


def relu(z):
    """ReLU(z) = max(z, 0); adgen's convention: ReLU'(0) = 0, as the lab asks."""
    return np.maximum(z, 0)


@wrt("x1", "x2")
def net(x1: float, x2: float,
        w11: float, w12: float, w21: float, w22: float, w31: float, w32: float,
        w41: float, w42: float, w43: float,
        b1: float, b2: float, b3: float, b4: float):
    """The network's output y1 at one point; differentiated with respect to it (question 4).

    Its forward code also evaluates whole arrays of points (the test grid)."""
    h1 = relu(w11 * x1 + w12 * x2 + b1)
    h2 = relu(w21 * x1 + w22 * x2 + b2)
    h3 = relu(w31 * x1 + w32 * x2 + b3)
    y1 = w41 * h1 + w42 * h2 + w43 * h3 + b4
    return y1


@wrt("w11", "w12", "w21", "w22", "w31", "w32", "w41", "w42", "w43", "b1", "b2", "b3", "b4")
@shapes(x1="n", x2="n", t="n")
def loss(x1, x2, t,
         w11: float, w12: float, w21: float, w22: float, w31: float, w32: float,
         w41: float, w42: float, w43: float,
         b1: float, b2: float, b3: float, b4: float):
    """Mean squared error over the samples; differentiated with respect to the 13 parameters."""
    y1 = net(x1, x2, w11, w12, w21, w22, w31, w32, w41, w42, w43, b1, b2, b3, b4)
    return np.mean((y1 - t) ** 2)
