# expect: UnresolvedName 16:12 | `act` is a module-level variable that the file binds more than once
import sys

import numpy as np


def act(x):
    return np.tanh(x)


if sys.platform == "never":
    act = np.sin


def f(x):
    return act(x) * 2.0
