# Regression 013 (written by hand next to 012; the generator rarely makes it): a
# valid program refused.  `+a` is a new array in numpy (np.positive), so
# `b += 1.0` leaves `a` alone; adgen binds `b` to `a` itself and refuses
# "`b += ...` would also change `a`, the same array" (not so: a conservative
# refusal with an inaccurate message; a refusal is allowed, a wrong number not).
# point: {'x': [0.3, 0.5, -0.2]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `b += ...` would also change `a`, the same array
# (`+a` is an alias to adgen but a copy to numpy: adgen refuses, conservatively)
import numpy as np


def f(x):
    a = x * 2.0
    b = +a
    b += 1.0
    return np.sum(a * b)
