# expect: UnresolvedName 10:16 | binds more than once (line 4: `GAIN = 1.0`; line 6: `GAIN *= 2.0`)
import numpy as np

GAIN = 1.0
while GAIN < 5.0:
    GAIN *= 2.0


def f(x):
    return x * GAIN
