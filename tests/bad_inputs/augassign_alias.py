# expect: MutationNotSupported 6:5 | would also change `z`
import numpy as np

def alias(x, y):
    z = x
    x += y
    return np.sum(z * y)
