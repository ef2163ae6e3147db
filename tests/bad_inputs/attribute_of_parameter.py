# expect: UnsupportedSyntax 6:9 | `params.W`: an array has no attribute `.W`, and containers of parameters
import numpy as np


def loss(params, x):
    W = params.W
    return np.sum((x @ W) ** 2)
