# expect: UnresolvedName 11:1 | `W0` is a module-level variable `f` reads (or a helper it calls)
import numpy as np

W0 = np.eye(3)


def rotated(x):
    return np.sum(np.tanh(W0 @ x))


def f(W0, x):
    """f's parameter W0 and the module's W0, which rotated reads: adgen compile
    takes the module's as the keyword parameter W0, which f's already is."""
    return np.sum(W0 * x) + rotated(x)
