# expect: RuleArityMismatch 11:1 | the VJP rule `softplus_vjp` takes 2 parameter(s); a VJP rule for `softplus` takes 3
import adgen
import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defvjp(softplus)
def softplus_vjp(g, x):
    return g / (1.0 + np.exp(-x))


def f(x):
    return np.sum(softplus(x))
