# expect: UndeclaredStructure 6:34 | np.concatenate of the parameter `xs`, whose shape or structure is not declared
import numpy as np


def f(xs):
    return np.sum(np.concatenate(xs))
