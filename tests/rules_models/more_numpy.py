"""Models of the numpy functions autograd covers that adgen added last (issue 15
item 5): einsum in full, keywords numpy accepts, the real parts of complex
functions on real arrays, rollaxis, rot90, partition, select, nan_to_num,
linspace, cumprod, slogdet, cholesky, eigh.  tests/test_more_numpy.py checks
each against central finite differences, in reverse and forward mode, through
the runtime API and through ``adgen compile``."""

import numpy as np


# --- einsum: '...', a letter repeated in one operand, implicit output, sublists
def es_ellipsis_front(x, y):
    return np.sum(np.sin(np.einsum("...ij,...jk->...ik", x, y)))


def es_ellipsis_tail(x, y):
    return np.sum(np.sin(np.einsum("jk...,lj...->lk...", x, y)))


def es_ellipsis_center(x, y):
    return np.sum(np.sin(np.einsum("j...k,lj...->lk...", x, y)))


def es_diagonal(x, y, z):
    return np.sum(np.sin(np.einsum("ijk,lji,lli->lki", x, y, z)))


def es_trace(x):
    return np.einsum("ii", x) ** 2 + np.sum(np.einsum("ii->i", x * x))


def es_implicit(x, y):
    return np.sum(np.sin(np.einsum("ij,jk", x, y)))


def es_sublists(x, y):
    a = np.einsum(x, [0, 1, 2], y, [3, 1, 0], [3, 2, 0])
    return np.sum(np.sin(a)) + np.sum(np.einsum(x, [Ellipsis, 1, 2], [2, Ellipsis]))


def es_size_one_broadcast(x, y):
    return np.sum(np.sin(np.einsum("ij,ij->ij", x, y)))


# --- keywords numpy accepts ---------------------------------------------------
def kw_clip(x):
    return np.sum(
        np.sin(np.clip(x, a_min=-0.5, a_max=0.6)) + np.clip(x, a_min=None, a_max=0.2)
    )


def kw_cross_broadcast(x, y):
    return np.sum(np.sin(np.cross(x, y)))


def kw_cross_axes(x, y):
    c = np.cross(x, y, axisa=0, axisb=1, axisc=0)
    return np.sum(np.sin(c)) + np.sum(np.cross(x.T, y, axis=1) ** 2)


# --- complex functions on real arrays -----------------------------------------
def cx_real_conj(x):
    return np.sum(np.sin(np.real(x)) * np.conj(x) + np.conjugate(x) * x.real)


def cx_real_if_close(x):
    return np.sum(np.real_if_close(x) ** 3)


def cx_imag_angle(x):
    # imag is 0, angle 0 or pi: constants of a real x
    return np.sum(x * np.angle(x) + np.imag(x) * x**2 + x.imag)


# --- rearranging, orderings ----------------------------------------------------
def ro_rollaxis(x):
    a = np.rollaxis(x, 2) * np.rollaxis(x, axis=2, start=0)
    return np.sum(np.sin(a)) + np.sum(np.rollaxis(x, 0, 3) ** 2)


def ro_rollaxis_negative(x):
    return np.sum(np.sin(np.rollaxis(x, -1))[0] * np.rollaxis(x, 1, 3)[:, 0])


def ro_rot90(x):
    a = np.sum(np.sin(np.rot90(x)) * np.arange(3.0)[:, None]) * np.sum(
        np.rot90(x, 2)[0]
    )
    return a + np.sum(np.rot90(x, k=-1, axes=(1, 2)) ** 2)


def ro_partition(x):
    return np.sum(np.sin(np.partition(x, 3)) * np.arange(7.0))


def ro_partition_axis(x):
    return np.sum(np.partition(x, kth=1, axis=0) ** 3 * np.arange(4.0))


def ro_nan_to_num(x):
    y = np.where(x > 0.5, np.inf, np.where(x < -0.5, -np.inf, x))
    return np.sum(
        np.sin(np.nan_to_num(y)) + np.nan_to_num(y, posinf=2.0, neginf=-3.0) * x
    )


def ro_linspace(x, y):
    return np.sum(np.sin(np.linspace(x, y, 5)))


def ro_linspace_arrays(x, y):
    a = np.linspace(x, y, 4, endpoint=False)
    return np.sum(np.sin(a) * np.arange(4.0)[:, None, None]) + np.sum(
        np.linspace(x[0], 2.0, 3)
    )


# --- array methods --------------------------------------------------------------
def am_astype(x):
    steps = (3.0 * x).astype(int)  # an integer dtype: data, no derivative
    return np.sum(np.sin(x.astype(float)) * x.astype(np.float64) + steps * x)


# --- autograd's numpy_vjps still missing ------------------------------------------
def nv_cumprod(x):
    flat = np.sum(np.sin(np.cumprod(x)))
    return flat + np.sum(np.cumprod(x, axis=0) ** 2) + np.sum(np.sin(x.cumprod(1)))


def _spd(x):
    return x @ x.T + 3.0 * np.ones(len(x)) * (
        np.arange(len(x))[:, None] == np.arange(len(x))
    )


def nv_slogdet(x):
    sign, logdet = np.linalg.slogdet(x)
    return logdet * sign + np.linalg.slogdet(x * 2.0)[1] ** 2


def nv_cholesky(x):
    return np.sum(np.sin(np.linalg.cholesky(x)))


def nv_cholesky_spd(x):
    return np.sum(np.linalg.cholesky(_spd(x)) ** 2 * np.arange(3.0))


def nv_eigh_values(x):
    return (
        np.sum(np.sin(np.linalg.eigvalsh(x)) * np.arange(3.0))
        + np.linalg.eigh(x)[0][0] ** 2
    )


def nv_eigh_vectors(x):
    w, v = np.linalg.eigh(x)
    # invariant to each eigenvector's sign
    return np.sum(v[:, 0] ** 4 * np.arange(3.0)) + np.sum((v * w) ** 2 * x)


def sel_select(x, y):
    chosen = np.select([x > 0.3, x < -0.4], [np.sin(x), y * x], default=1.1)
    return np.sum(chosen**2) + np.sum(np.select([y > 0.0], [x]) * y)


def sel_select_broadcast(x, y):
    return np.sum(np.sin(np.select([x > 0.0, x < -0.5], [y, 2.0 * x], y[0])))
