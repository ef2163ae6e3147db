"""The run-time helpers the gradient code of the added rearrangements calls
(adgen.runtime: reshape_like, diagonal_adjoint, diag_adjoint, repeat_adjoint,
tile_adjoint, unpad), as models: their rules let adgen differentiate that
gradient code again.  tests/test_added_functions.py checks each against finite
differences in both modes."""

import numpy as np

from adgen.runtime import (
    diag_adjoint,
    diagonal_adjoint,
    kron_adjoint_a,
    kron_adjoint_b,
    repeat_adjoint,
    reshape_like,
    solve_adjoint_a,
    tensordot_adjoint_a,
    tensordot_adjoint_b,
    tile_adjoint,
    trace_adjoint,
    unpad,
)


def gc_reshape_like(g, like):
    return reshape_like(g * g, like) * like


def gc_diagonal_adjoint(g, x):
    return diagonal_adjoint(g * g, x, 1, 0, 2) * x


def gc_diag_adjoint(g, x):
    return diag_adjoint(g * g, x, -1) * x


def gc_diag_adjoint_vector(g, x):
    return diag_adjoint(g * g, x, 1) * x


def gc_repeat_adjoint(g, x):
    return repeat_adjoint(g * g, x, 2, 1) * x


def gc_repeat_adjoint_flat(g, x):
    return repeat_adjoint(g * g, x, 3, None) * x


def gc_tile_adjoint(g, x):
    return tile_adjoint(g * g, x, (2, 1, 3)) * x


def gc_unpad(g):
    return unpad(g * g, ((1, 0), (2, 1)))


def gc_solve_adjoint_a(b_bar, x):
    return solve_adjoint_a(b_bar * b_bar, x) * np.sum(x)


def gc_tensordot_adjoint_a(g, x, y):
    return tensordot_adjoint_a(g * g, x, y, ([1, 2], [1, 0])) * x


def gc_tensordot_adjoint_b(g, x, y):
    return tensordot_adjoint_b(g * g, x, y, ([1, 2], [1, 0])) * y


def gc_trace_adjoint_offset(g, x):
    return trace_adjoint(g * g, x, 1, 0, 2) * x


def gc_kron_adjoint_a(g, x, y):
    return kron_adjoint_a(g * g, x, y) * x


def gc_kron_adjoint_b(g, x, y):
    return kron_adjoint_b(g * g, x, y) * y
