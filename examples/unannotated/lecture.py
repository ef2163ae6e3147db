"""The lecture's traced example as a student writes it: no annotations."""

import numpy as np


def f(x1, x2):
    """f(x1, x2) = ln(x1) + x1*x2 - sin(x2) = 11.652 at (2, 5)."""
    return np.log(x1) + x1 * x2 - np.sin(x2)
