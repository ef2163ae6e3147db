# expect: UnresolvedName 9:27 | `W0` is a module-level variable computed when the file runs
import numpy as np

W0 = np.eye(3)


def f(x):
    """adgen compile refuses it; adgen.grad(f) reads W0's live value."""
    return np.sum(np.tanh(W0 @ x))
