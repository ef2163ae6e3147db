# expect: UnresolvedName 10:16 | binds more than once (line 5: `GAIN = 3.0`; line 6: `GAIN = GAIN * 2.0`)
import numpy as np


GAIN = 3.0
GAIN = GAIN * 2.0


def f(x):
    return x * GAIN
