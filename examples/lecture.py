"""The lecture's worked examples (week 7: computation graphs and automatic differentiation)."""

import numpy as np


def f(x1: float, x2: float) -> float:
    """The classroom demo: f(x1, x2) = x1*x2 + sin(x1), gradient at (2, 3)."""
    return x1 * x2 + np.sin(x1)


def g(x1: float, x2: float) -> float:
    """The traced example: ln(x1) + x1*x2 - sin(x2) = 11.652 at (2, 5)."""
    return np.log(x1) + x1 * x2 - np.sin(x2)
