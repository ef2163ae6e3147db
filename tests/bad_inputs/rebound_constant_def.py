# expect: UnresolvedName 12:16 | binds more than once (line 4: `GAIN = 1.0`; line 7: `def GAIN():`)
import numpy as np

GAIN = 1.0


def GAIN():
    return 2.0


def f(x):
    return x * GAIN
