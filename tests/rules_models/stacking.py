"""Models of stacking and splitting (adgen/primitives/stacking.py), for
tests/test_stacking.py: each is checked against central finite differences in
reverse and in forward mode.  ``x`` is (2, 3), ``y`` (2, 3) and ``v`` (3,)
unless a test says otherwise; the squares and sines make every entry's
adjoint differ, so a block put back in the wrong place shows."""

import numpy as np

from adgen.runtime import split_adjoint


# --- joins of a list (or tuple) of arrays ------------------------------------
def j_vstack(x, v):
    return np.sum(np.sin(np.vstack([x, v, x * v])) ** 2)


def j_row_stack(x, v):
    return np.sum(np.sin(np.row_stack((v, x))) * np.arange(9.0).reshape(3, 3))


def j_hstack(x, y):
    return np.sum(np.sin(np.hstack([x, y * x, y])) ** 2)


def j_hstack_vectors(v):
    parts = (v, 2.0 * v, np.cos(v))
    return np.sum(np.hstack(parts) * np.arange(9.0))


def j_column_stack(x, v):
    return np.sum(np.sin(np.column_stack([v, x.T, v**2])) ** 2)


def j_dstack(x, y):
    return np.sum(np.sin(np.dstack([x, y, x * y])) ** 2)


def j_concatenate_tuple(x, y):
    pair = (x, y)
    return np.sum(np.sin(np.concatenate(pair, axis=1)) ** 2)


def j_stack_tuple(x, y):
    return np.sum(np.sin(np.stack((x, y), axis=-1)) * np.arange(12.0).reshape(2, 3, 2))


# --- joins of one array: numpy joins its rows ----------------------------------
# (of a computed array: a parameter's shape must be known, see rows_declared)
def rows_declared(x: "2 3"):
    return np.sum(np.sin(np.vstack(x)) * np.arange(6.0).reshape(2, 3))


def rows_vstack(x):
    return np.sum(np.sin(np.vstack(x * x)) ** 2)


def rows_hstack(x):
    return np.sum(np.sin(np.hstack(x * x)) * np.arange(6.0))


def rows_column_stack(x):
    return np.sum(np.sin(np.column_stack(x * x)) * np.arange(6.0).reshape(3, 2))


def rows_dstack(x):
    return np.sum(np.sin(np.dstack(x * x)) * np.arange(6.0).reshape(1, 3, 2))


def rows_concatenate(x):
    return np.sum(np.sin(np.concatenate(x * x, axis=0)) * np.arange(6.0))


def rows_stack(x):
    return np.sum(np.sin(np.stack(np.cos(x), axis=1)) * np.arange(6.0).reshape(3, 2))


# --- numpy's index tricks -----------------------------------------------------
def t_r_(v):
    return np.sum(np.sin(np.r_[v, 2.0, 1:4, v**2]) * np.arange(10.0))


def t_r_matrices(x, y):
    return np.sum(np.sin(np.r_[x, y]) * np.arange(12.0).reshape(4, 3))


def t_c_(v):
    return np.sum(np.sin(np.c_[v, v**2, np.cos(v)]) * np.arange(9.0).reshape(3, 3))


def t_c_matrices(x, y):
    return np.sum(np.sin(np.c_[x, y.T.T]) * np.arange(12.0).reshape(2, 6))


# --- splits: each part its own value -------------------------------------------
def s_split(v):
    a, b, c = np.split(v, 3)
    return np.sum(a * np.sin(b) + c**2)


def s_split_indices(x):
    parts = np.split(x, [1, 2], axis=1)
    return np.sum(parts[0] * parts[2] + np.sin(parts[1]))


def s_array_split(v):
    a, b = np.array_split(v, 2)
    return np.sum(np.sin(a)) * np.sum(b**2)


def s_hsplit(x):
    left, right = np.hsplit(x, [2])
    return np.sum(np.sin(left)) + np.sum(right**3)


def s_vsplit(x):
    top, bottom = np.vsplit(x, 2)
    return np.sum(top * np.sin(bottom))


def s_dsplit(x):
    front, back = np.dsplit(np.reshape(x, (1, 3, 2)), 2)
    return np.sum(np.sin(front) * back**2)


def s_split_stacked(x):
    return np.sum(np.sin(np.split(x, 2)) * np.arange(6.0).reshape(2, 1, 3))


# --- the gradient code of a part, read back (second derivatives) ----------------
def gc_split_adjoint(g, x):
    return np.sum(split_adjoint(g * g, x, "array_split", 2, 1, 1) * x)


def gc_hsplit_adjoint(g, x):
    return np.sum(split_adjoint(np.sin(g), x, "hsplit", [1], None, 0) * x)
