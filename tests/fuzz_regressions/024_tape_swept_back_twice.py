# backward_f popped the stacks of the tape it was given, so a second sweep over
# the same tape (backward_f(tape, 2.0) after backward_f(tape); an adgen.vjp
# pullback called for a second seed) failed with "IndexError: pop from empty
# list". Fixed: backward_f pops from copies of the stacks (emit.py).
# point: {'x': [0.368034, -0.923762, 0.51068]}
# check: gradients
"""A generated program (tests/fuzz_programs.py)."""

import numpy as np


def f(x):
    h = x
    for _ in range(2):
        h = np.sin(h) * x
    return np.sum(h)
