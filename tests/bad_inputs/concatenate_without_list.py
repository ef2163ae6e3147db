# expect: UnsupportedSyntax 6:34 | np.concatenate of the parameter `xs`, whose shape is not known when compiling
import numpy as np


def f(xs):
    return np.sum(np.concatenate(xs))
