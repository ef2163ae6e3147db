"""Indexing: integers, slices, None, Ellipsis, fancy indexes, indexes given by int parameters.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


def ix_0(x):
    return x[0]


def ix_last(x):
    return x[-1]


def ix_slice(x):
    return x[1:3]


def ix_col(x):
    return x[:, 0]


def ix_newaxis(x):
    return x[:, None]


def ix_np_newaxis(x):
    return x[np.newaxis, :, 1]


def ix_step(x):
    return x[::2]


def ix_reverse(x):
    return x[::-1]


def ix_block(x):
    return x[1:, :2]


def ix_ellipsis(x):
    return x[..., 1]


def ix_element(x):
    return x[-1, -2]


def ix_chain(x):
    return x[1][2:]


def ix_fancy_repeated(x):
    return x[[0, 0, 2]]


def ix_3d(x):
    return x[:, 1, ::2]


def ix_param(x, i: int):
    return x[i]


def ix_param_u(x, i):
    return x[i]


def ix_param2(x, i: int, j: int):
    return x[i, j] * x[j]


def ix_param_slice(x, i: int):
    return x[i:, i - 1]


def ix_broadcast(x):
    return x[:, None] * x[None, :]


def ix_mask(x, m):
    return x[m]
