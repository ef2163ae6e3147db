# Regression 034 (found while widening the fuzzer for issue 12, by hand from
# the generator's list constant W): a module list constant as an exponent.
# numpy reads x ** W as x ** np.array(W), but adgen inlines W as the list
# literal and its rule computes W * x ** (W - 1): grad_f, value_and_grad_f
# and jvp_f raise TypeError (list - int). Expected d f / d x = W * x ** (W - 1)
# = [0.5 * 1.5 ** -0.5, -0.25, 6.0] = [0.408248, -0.25, 6.0].
# Fixed: the rules read a list constant as np.array(W) (primitives.rule_operand).
# point: {'x': [1.5, 2.0, 3.0]}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np

W = [0.5, -1.0, 2.0]


def f(x):
    return np.sum(x**W)
