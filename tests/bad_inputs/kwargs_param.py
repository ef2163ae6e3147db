# expect: UnsupportedSyntax 5:12 | `**kw` parameters are not supported
import numpy as np


def f(x, **kw):
    return x
