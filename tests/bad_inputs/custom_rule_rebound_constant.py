# expect: UnresolvedRuleName 10:24 | `SCALE` is a module-level variable that the file binds more than once
import adgen
import numpy as np

SCALE = 1.0
SCALE = 2.0


def scaled(x):
    return np.sin(x) * SCALE


@adgen.defvjp(scaled)
def scaled_vjp(g, ans, x):
    return g * np.cos(x) * SCALE


def f(x):
    return np.sum(scaled(x))
