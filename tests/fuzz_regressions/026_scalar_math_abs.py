# Fuzz regression 026 (test_gradients_match_finite_differences, 2000 examples;
# shrunk by hand): grad_f spelled np.abs of a scalar expression as
# scalar_math.abs, which adgen.runtime.scalar_math does not have (AttributeError
# when grad_f ran). scalars.py now respells only what scalar_math provides.
# point: {'x': [0.3, -0.2, 0.5]}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np


def f(x):
    z = 0.25
    while z < 1.5:
        z = z + 1.0 / (np.abs(0.5) + 0.5)
    return np.sum(x * x) * z
