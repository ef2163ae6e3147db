"""What adgen's emitted gradient code calls, as models: the adgen.runtime helpers,
np.full_like and np.expand_dims. Their rules let adgen differentiate its own output
(higher order); tests/test_higher_order.py checks them against finite differences
in both modes.

Models for tests/test_higher_order.py.  adgen compiles each one from this file's source.
"""

import numpy as np

from adgen.runtime import (
    broadcast_like,
    dot_adjoint_x,
    dot_adjoint_y,
    extremum_adjoint,
    index_adjoint,
    matmul_adjoint_x,
    matmul_adjoint_y,
    sum_like,
    trace_adjoint,
    unbroadcast,
    unreduce,
)


def gc_full_like(x, v):
    return np.full_like(x, v) * x


def gc_expand_dims(x):
    return np.expand_dims(x, 1) * np.ones((1, 3, 1))


def gc_unbroadcast(g, like):
    return unbroadcast(g * g, like)


def gc_broadcast_like(t, like):
    return broadcast_like(t, like) * like


def gc_extremum_adjoint(g, x):
    return extremum_adjoint(g, x, np.max(x, axis=1), 1, False)


def gc_extremum_adjoint_all(g, x):
    return extremum_adjoint(g, x, np.min(x), None, False)


def gc_index_adjoint(g, x):
    return index_adjoint(g, x, np.s_[1:3, ::2])


def gc_trace_adjoint(g, x):
    return trace_adjoint(g, x)


def gc_matmul_adjoint_x(g, x, y):
    return matmul_adjoint_x(g, x, y)


def gc_matmul_adjoint_y(g, x, y):
    return matmul_adjoint_y(g, x, y)


def gc_dot_adjoint_x(g, x, y):
    return dot_adjoint_x(g, x, y)


def gc_dot_adjoint_y(g, x, y):
    return dot_adjoint_y(g, x, y)


def gc_unreduce(g, x):
    return unreduce(g, x, 1, False) * x


def gc_unreduce_keepdims(g, x):
    return unreduce(g, x, (0, 2), True) * x


def gc_unreduce_scalar(g, x):
    return unreduce(g, x, 0, False) * x


def gc_sum_like(t, like):
    return sum_like(t * t, like, 1, False)


def gc_sum_like_keepdims(t, like):
    return sum_like(t * t, like, (0, 2), True)


def gc_sum_like_scalar(t, like):
    return sum_like(t * t, like, 0, False)
