# expect: UnresolvedName 9:16 | binds more than once (line 4: `GAIN = 1.0`; line 5: `print([(GAIN := k) for k in range(3)])`)
import numpy as np

GAIN = 1.0
print([(GAIN := k) for k in range(3)])


def f(x):
    return x * GAIN
