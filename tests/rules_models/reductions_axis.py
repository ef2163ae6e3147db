"""sum, mean, max, min, logsumexp for every axis in None, 0, 1, -1, (0, 1) and keepdims False/True:
`r_<reduction>_<axis>_<nk|kd>`, axis `m1` is -1 and `01` is (0, 1).

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401


def r_sum_none_nk(x):
    return np.sum(x, axis=None, keepdims=False)


def r_sum_none_kd(x):
    return np.sum(x, axis=None, keepdims=True)


def r_sum_0_nk(x):
    return np.sum(x, axis=0, keepdims=False)


def r_sum_0_kd(x):
    return np.sum(x, axis=0, keepdims=True)


def r_sum_1_nk(x):
    return np.sum(x, axis=1, keepdims=False)


def r_sum_1_kd(x):
    return np.sum(x, axis=1, keepdims=True)


def r_sum_m1_nk(x):
    return np.sum(x, axis=-1, keepdims=False)


def r_sum_m1_kd(x):
    return np.sum(x, axis=-1, keepdims=True)


def r_sum_01_nk(x):
    return np.sum(x, axis=(0, 1), keepdims=False)


def r_sum_01_kd(x):
    return np.sum(x, axis=(0, 1), keepdims=True)


def r_mean_none_nk(x):
    return np.mean(x, axis=None, keepdims=False)


def r_mean_none_kd(x):
    return np.mean(x, axis=None, keepdims=True)


def r_mean_0_nk(x):
    return np.mean(x, axis=0, keepdims=False)


def r_mean_0_kd(x):
    return np.mean(x, axis=0, keepdims=True)


def r_mean_1_nk(x):
    return np.mean(x, axis=1, keepdims=False)


def r_mean_1_kd(x):
    return np.mean(x, axis=1, keepdims=True)


def r_mean_m1_nk(x):
    return np.mean(x, axis=-1, keepdims=False)


def r_mean_m1_kd(x):
    return np.mean(x, axis=-1, keepdims=True)


def r_mean_01_nk(x):
    return np.mean(x, axis=(0, 1), keepdims=False)


def r_mean_01_kd(x):
    return np.mean(x, axis=(0, 1), keepdims=True)


def r_max_none_nk(x):
    return np.max(x, axis=None, keepdims=False)


def r_max_none_kd(x):
    return np.max(x, axis=None, keepdims=True)


def r_max_0_nk(x):
    return np.max(x, axis=0, keepdims=False)


def r_max_0_kd(x):
    return np.max(x, axis=0, keepdims=True)


def r_max_1_nk(x):
    return np.max(x, axis=1, keepdims=False)


def r_max_1_kd(x):
    return np.max(x, axis=1, keepdims=True)


def r_max_m1_nk(x):
    return np.max(x, axis=-1, keepdims=False)


def r_max_m1_kd(x):
    return np.max(x, axis=-1, keepdims=True)


def r_max_01_nk(x):
    return np.max(x, axis=(0, 1), keepdims=False)


def r_max_01_kd(x):
    return np.max(x, axis=(0, 1), keepdims=True)


def r_min_none_nk(x):
    return np.min(x, axis=None, keepdims=False)


def r_min_none_kd(x):
    return np.min(x, axis=None, keepdims=True)


def r_min_0_nk(x):
    return np.min(x, axis=0, keepdims=False)


def r_min_0_kd(x):
    return np.min(x, axis=0, keepdims=True)


def r_min_1_nk(x):
    return np.min(x, axis=1, keepdims=False)


def r_min_1_kd(x):
    return np.min(x, axis=1, keepdims=True)


def r_min_m1_nk(x):
    return np.min(x, axis=-1, keepdims=False)


def r_min_m1_kd(x):
    return np.min(x, axis=-1, keepdims=True)


def r_min_01_nk(x):
    return np.min(x, axis=(0, 1), keepdims=False)


def r_min_01_kd(x):
    return np.min(x, axis=(0, 1), keepdims=True)


def r_logsumexp_none_nk(x):
    return logsumexp(x, axis=None, keepdims=False)


def r_logsumexp_none_kd(x):
    return logsumexp(x, axis=None, keepdims=True)


def r_logsumexp_0_nk(x):
    return logsumexp(x, axis=0, keepdims=False)


def r_logsumexp_0_kd(x):
    return logsumexp(x, axis=0, keepdims=True)


def r_logsumexp_1_nk(x):
    return logsumexp(x, axis=1, keepdims=False)


def r_logsumexp_1_kd(x):
    return logsumexp(x, axis=1, keepdims=True)


def r_logsumexp_m1_nk(x):
    return logsumexp(x, axis=-1, keepdims=False)


def r_logsumexp_m1_kd(x):
    return logsumexp(x, axis=-1, keepdims=True)


def r_logsumexp_01_nk(x):
    return logsumexp(x, axis=(0, 1), keepdims=False)


def r_logsumexp_01_kd(x):
    return logsumexp(x, axis=(0, 1), keepdims=True)
