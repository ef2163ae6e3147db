# Fuzz regression 030 (test_compilation_is_deterministic, 2000 examples; shrunk
# by hand): s is a merge name, assigned in both branches. The mean's adjoint
# spread its seed over a "shape donor", an operand of s's producer, but
# graph.producers gives only the last producer (s_2 + s_2 in the else branch),
# so the donor s_2 was read where the then branch never computed it: the
# compiler stopped on its own check ("backward reads undefined names").
# reverse.sole_producer now refuses names with several producers.
# point: {'x': [-0.5, 0.3, 0.8], 's': [0.1, 0.2, 0.3]}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np


def f(x, s):
    if x[0] > 0.0:
        s = x
    else:
        s = x * 2.0
        s += s
    return np.mean(s)
