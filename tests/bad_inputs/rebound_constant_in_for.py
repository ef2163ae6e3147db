# expect: UnresolvedName 10:16 | binds more than once (line 4: `GAIN = 1.0`; line 6: `GAIN = GAIN * 2.0`)
import numpy as np

GAIN = 1.0
for _ in range(3):
    GAIN = GAIN * 2.0


def f(x):
    return x * GAIN
