# expect: UnsupportedSyntax 6:16 | `params["W"]` is indexed by a string: containers of parameters (dicts, objects) are not supported yet
import numpy as np


def loss(params, x):
    W = params["W"]
    return np.sum((x @ W) ** 2)
