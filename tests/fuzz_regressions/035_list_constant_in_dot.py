# Regression 035 (found with 034): a module list constant as an operand of
# np.dot. grad_f and value_and_grad_f call dot_adjoint_x(1.0, x, [0.5, -1.0,
# 2.0]) with the list literal, which raises TypeError ("Field elements must be
# 2- or 3-tuples"); jvp_f is right. Expected d f / d x = W = [0.5, -1.0, 2.0].
# Fixed: the rules read a list constant as np.array(W) (primitives.rule_operand).
# point: {'x': [1.5, 2.0, 3.0]}
# check: gradients
"""A program written by hand, in the style of tests/fuzz_programs.py."""

import numpy as np

W = [0.5, -1.0, 2.0]


def f(x):
    return np.dot(x, W)
