# expect: UnresolvedName 12:16 | binds more than once (line 6: `GAIN = 1.0`; line 8: `GAIN = 2.0`)
import contextlib

import numpy as np

GAIN = 1.0
with contextlib.suppress(ValueError):
    GAIN = 2.0


def f(x):
    return x * GAIN
