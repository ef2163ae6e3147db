# expect: SourceSyntaxError 5:9 | expected ':'
import numpy as np


def f(x)
    return np.sin(x)
