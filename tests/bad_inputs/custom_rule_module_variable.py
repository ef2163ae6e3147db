# expect: UnresolvedRuleName 10:12 | `TABLE` is a module-level variable computed when the file runs
import adgen
import numpy as np

TABLE = np.linspace(0.0, 1.0, 11)


def lookup(x):
    i = np.clip(np.round(x * 10), 0, 10).astype(int)
    return TABLE[i]


@adgen.defvjp(lookup)
def lookup_vjp(g, ans, x):
    return g * 1.0


def f(x):
    return np.sum(lookup(x))
