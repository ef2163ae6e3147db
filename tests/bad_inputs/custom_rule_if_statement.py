# expect: UnreadableRule 12:5 | a rule may only assign names before its `return` (found `If`)
import adgen
import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defvjp(softplus)
def softplus_vjp(g, ans, x):
    if x > 0:
        x = x
    return g / (1.0 + np.exp(-x))


def f(x):
    return np.sum(softplus(x))
