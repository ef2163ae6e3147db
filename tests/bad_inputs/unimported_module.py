# expect: UnresolvedName 7:12 | `np`
# not: has no derivative rule
"""A model that forgot `import numpy as np`."""


def f(x):
    return np.sin(x)
