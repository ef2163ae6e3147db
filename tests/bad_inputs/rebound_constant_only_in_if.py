# expect: UnresolvedName 11:16 | bound inside a top-level `if` (line 7: `GAIN = 0.5`)
import sys

import numpy as np

if sys.platform != "":
    GAIN = 0.5


def f(x):
    return x * GAIN
