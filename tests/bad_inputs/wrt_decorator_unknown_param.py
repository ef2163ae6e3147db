# expect: BadWrt 6:2 | has no parameter named 'z'
from adgen import wrt
import numpy as np


@wrt("z")
def f(x, w):
    return np.sum(x * w)
