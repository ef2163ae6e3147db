# expect: BadWrt 6:2 | has no parameter named 'z'
import numpy as np

from adgen import wrt


@wrt("z")
def f(x, w):
    return np.sum(x * w)
