# expect: MutationNotSupported 6:5 | assigning to an attribute is not supported
import numpy as np


def f(obj, x):
    obj.attr = 1
    return x
