# expect: UnresolvedName 13:16 | binds more than once (line 4: `GAIN = 1.0`; line 9, in `_calibrate`: `GAIN = 2.0`)
import numpy as np

GAIN = 1.0


def _calibrate():
    global GAIN
    GAIN = 2.0


def f(x):
    return x * GAIN
