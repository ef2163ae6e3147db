# expect: UnresolvedName 10:16 | binds more than once (line 4: `GAIN = 1.0`; line 5: `for GAIN in (1.0, 2.0):`)
import numpy as np

GAIN = 1.0
for GAIN in (1.0, 2.0):
    pass


def f(x):
    return x * GAIN
