# expect: DuplicateRule 15:2 | a second @adgen.defvjp rule for `softplus` (the first is at line 10)
import adgen
import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defvjp(softplus)
def softplus_vjp(g, ans, x):
    return g / (1.0 + np.exp(-x))


@adgen.defvjp(softplus)
def softplus_vjp_again(g, ans, x):
    return g * np.exp(x - ans)


def f(x):
    return np.sum(softplus(x))
