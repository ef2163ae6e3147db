# expect: UnsupportedSyntax 9:23 | `-W` negates a list, which Python cannot do
import numpy as np

W = [0.5, -1.0, 2.0]


def f(x):
    # the model itself raises TypeError here: a list is an array only next to one
    return np.sum(x * -W)
