# expect: RuleArityMismatch 11:1 | the JVP rule `softplus_jvp` takes 2 parameter(s); a JVP rule for `softplus` takes 3
import adgen
import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defjvp(softplus)
def softplus_jvp(x_dot, x):
    return x_dot / (1.0 + np.exp(-x))


def f(x):
    return np.sum(softplus(x))
