# expect: UnsupportedSyntax 6:9 | `params.get(...)`: an array has no attribute `.get`
import numpy as np


def loss(params, x):
    W = params.get("W")
    return np.sum((x @ W) ** 2)
