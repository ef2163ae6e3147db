# expect: UnresolvedName 10:16 | binds more than once (line 5: `STEP = 1.0`; line 6: `STEP += 1.0`)
import numpy as np


STEP = 1.0
STEP += 1.0


def f(x):
    return x * STEP
