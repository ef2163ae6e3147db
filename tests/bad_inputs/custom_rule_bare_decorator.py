# expect: UnreadableRule 10:2 | @adgen.defvjp takes one argument, the function the rule differentiates
import adgen
import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defvjp
def softplus_vjp(g, ans, x):
    return g / (1.0 + np.exp(-x))


def f(x):
    return np.sum(softplus(x))
