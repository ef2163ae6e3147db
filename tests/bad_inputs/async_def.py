# expect: UnsupportedSyntax 5:1 | async
import numpy as np


async def f(x):
    return np.sin(x)
