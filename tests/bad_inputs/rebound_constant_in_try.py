# expect: UnresolvedName 13:16 | binds more than once (line 4: `GAIN = 1.0`; line 7: `GAIN = 2.0`; line 9: `GAIN = 3.0`)
import numpy as np

GAIN = 1.0
try:
    import scipy
    GAIN = 2.0
except ImportError:
    GAIN = 3.0


def f(x):
    return x * GAIN
