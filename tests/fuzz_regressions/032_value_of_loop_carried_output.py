# Regression 032 (found by review, then checked by the fuzz property that now
# calls value_and_grad_f): the output s is carried by the loop and stacked for
# the backward sweep, whose s = s_stack.pop() restored s to the entry value
# before value_and_grad_f returned it: the value came back as x, 0.3, not f(x).
# value_and_grad_f now keeps the value (s_value = s) before the backward sweep.
# point: {'x': 0.3}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np


def f(x: float):
    s = x
    for _ in range(3):
        s = np.sin(s) + x
    return s
