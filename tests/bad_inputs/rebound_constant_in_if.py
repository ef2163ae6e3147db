# expect: UnresolvedName 12:16 | binds more than once (line 6: `GAIN = 3.0`; line 8: `GAIN = 0.5`)
import sys

import numpy as np

GAIN = 3.0
if sys.platform != "":
    GAIN = 0.5


def f(x):
    return x * GAIN
