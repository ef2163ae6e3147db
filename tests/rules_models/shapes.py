"""transpose / .T, reshape, np.concatenate, np.stack.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


def sh_T(x):
    return x.T


def sh_T_a(x: "3 4"):
    return x.T


def sh_transpose(x):
    return np.transpose(x)


def sh_transpose_102(x):
    return np.transpose(x, (1, 0, 2))


def sh_transpose_201(x):
    return np.transpose(x, (2, 0, 1))


def sh_transpose_201_a(x: "2 3 4"):
    return np.transpose(x, (2, 0, 1))


def sh_transpose_method(x):
    return x.transpose(1, 2, 0)


def sh_transpose_method_noargs(x):
    return x.transpose()


def sh_T_3d(x):
    return x.T


def sh_reshape_method(x):
    return x.reshape(2, 6)


def sh_reshape_tuple(x):
    return x.reshape((6, 2))


def sh_reshape_np(x):
    return np.reshape(x, (4, 3))


def sh_reshape_minus1(x):
    return np.reshape(x, (2, -1))


def sh_reshape_flat(x):
    return x.reshape(-1)


def sh_reshape_then(x):
    return np.sin(x.reshape(2, 6)) * np.arange(6)


def sh_concat0(a, b):
    return np.concatenate([a, b], axis=0)


def sh_concat1(a, b):
    return np.concatenate([a, b], axis=1)


def sh_concat_default(a, b):
    return np.concatenate((a, b))


def sh_concat_three(a, b):
    return np.concatenate([a, np.sin(b), a * b], axis=-1)


def sh_concat_same(a, b):
    return np.concatenate([a, a, b], 1)


def sh_stack0(a, b):
    return np.stack([a, b], axis=0)


def sh_stack1(a, b):
    return np.stack([a, b], axis=1)


def sh_stack_m1(a, b):
    return np.stack([a, b, a * b], axis=-1)


def sh_stack_default(a, b):
    return np.stack((a, b))


def sh_stack_same(a, b):
    return np.stack([a, b, a], 1)


def sh_transpose_negative(x):
    return np.transpose(x, (-1, 0, 1))


def sh_transpose_keyword(x):
    return np.transpose(x, axes=(1, 2, 0))


def sh_concat_flat(a, b):
    return np.concatenate([a, b], axis=None)
