# expect: UnresolvedName 9:16 | binds more than once (line 4: `GAIN = 1.0`; line 5: `del GAIN`)
import numpy as np

GAIN = 1.0
del GAIN


def f(x):
    return x * GAIN
