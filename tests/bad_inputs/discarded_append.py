# expect: MutationNotSupported 7:5 | `xs.append(...)` changes `xs` in place
import numpy as np


def f(x):
    xs = [x]
    xs.append(x * 2.0)
    return np.sum(np.array(xs))
