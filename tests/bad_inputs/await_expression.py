# expect: UnsupportedSyntax 6:9 | `await` is not supported
import numpy as np


def f(x):
    y = await x
    return y
