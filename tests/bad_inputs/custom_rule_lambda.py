# expect: UnreadableRule 12:14 | `Lambda` is not supported in a rule
import adgen
import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defvjp(softplus)
def softplus_vjp(g, ans, x):
    sigma = (lambda t: 1.0 / (1.0 + np.exp(-t)))(x)
    return g * sigma


def f(x):
    return np.sum(softplus(x))
