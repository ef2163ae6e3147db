# expect: UnknownRuleTarget 6:15 | `np.erfcx` (`numpy.erfcx`) is not a function adgen can find
import adgen
import numpy as np


@adgen.defvjp(np.erfcx)
def erfcx_vjp(g, ans, x):
    return g * (2.0 * x * ans - 1.1283791670955126)


def f(x):
    return np.sum(x)
