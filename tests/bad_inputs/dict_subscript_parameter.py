# expect: UndeclaredStructure 6:16 | `params["W"]` is indexed by a string: a container parameter whose structure is not declared
import numpy as np


def loss(params, x):
    W = params["W"]
    return np.sum((x @ W) ** 2) + _penalty(params)


def _penalty(p):
    return np.sum(p["W"] ** 2)
