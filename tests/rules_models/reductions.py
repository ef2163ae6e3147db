"""Reductions on 3-D arrays, as methods, and followed by broadcasting (softmax-like models).

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


def r3_sum_02(x):
    return np.sum(x, axis=(0, 2))


def r3_mean_m2(x):
    return np.mean(x, axis=-2, keepdims=True)


def r3_max_1m1(x):
    return np.max(x, axis=(1, -1), keepdims=True)


def r3_min_2(x):
    return np.min(x, axis=2)


def r3_lse_02(x):
    return logsumexp(x, axis=(0, 2))


def r3_mean_02(x):
    return np.mean(x, axis=(2, 0))


def me_sum0(x):
    return x.sum(axis=0)


def me_sum(x):
    return x.sum()


def me_sum_pos(x):
    return x.sum(1, keepdims=True)


def me_mean(x):
    return x.mean()


def me_mean1(x):
    return x.mean(axis=1)


def me_max1(x):
    return x.max(axis=1)


def me_max(x):
    return x.max()


def me_min0(x):
    return x.min(0)


def me_amax(x):
    return np.amax(x, axis=0)


def me_amin(x):
    return np.amin(x)


def me_np_defaults(x):
    return np.sum(x) + np.mean(x) + np.max(x) - np.min(x) + logsumexp(x)


def rb_log_softmax(x):
    return x - logsumexp(x, axis=1, keepdims=True)


def rb_log_softmax_a(x: "3 4"):
    return x - logsumexp(x, axis=1, keepdims=True)


def rb_center(x):
    return x - np.mean(x, axis=0)


def rb_center_a(x: "3 4"):
    return x - np.mean(x, axis=0)


def rb_normalize(x):
    return x / np.sum(x, axis=1, keepdims=True)


def rb_normalize_a(x: "n m"):
    return x / np.sum(x, axis=1, keepdims=True)


def rb_stable_softmax(x):
    z = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def rb_stable_softmax_a(x: "3 4"):
    z = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)
