"""Models of the numpy functions added for autograd's coverage (issue 15), one or
more per primitive, for tests/test_added_functions.py: each is checked against
central finite differences in reverse and in forward mode."""

import math
import operator

import numpy as np
from scipy import special
from scipy.special import digamma, erf, gammaln, log_softmax, logit, polygamma, softmax


# --- elementwise: one array ---------------------------------------------------
def u_arccosh(x):
    return np.arccosh(x)


def u_arctanh(x):
    return np.arctanh(x)


def u_deg2rad(x):
    return np.deg2rad(x)


def u_radians(x):
    return np.radians(x)


def u_rad2deg(x):
    return np.rad2deg(x)


def u_degrees(x):
    return np.degrees(x)


def u_cbrt(x):
    return np.cbrt(x)


def u_sinc(x):
    return np.sinc(x)


def s_sinc(x):
    return np.sum(np.sinc(x))


# --- elementwise: two arrays --------------------------------------------------
def b_logaddexp(x, y):
    return np.logaddexp(x, y)


def b_logaddexp2(x, y):
    return np.logaddexp2(x, y)


def b_fmax(x, y):
    return np.fmax(x, y)


def b_fmin(x, y):
    return np.fmin(x, y)


def b_hypot(x, y):
    return np.hypot(x, y)


def b_arctan2(x, y):
    return np.arctan2(x, y)


def b_np_mod(x, y):
    return np.mod(x, y)


def b_remainder(x, y):
    return np.remainder(x, y)


# --- zero derivative: the value is data --------------------------------------
def z_rounding(x):
    steps = np.ceil(x) + np.floor(x) + np.round(x) + np.around(x, 1) + np.rint(x)
    return x * (steps + np.sign(x) + np.fix(x) + np.trunc(x)) + x.round(2)


# --- math spellings on Python floats ----------------------------------------
def m_acosh(x: float):
    return math.acosh(x)


def m_atanh(x: float):
    return math.atanh(x)


def m_degrees(x: float):
    return math.degrees(x) * math.radians(x)


def m_hypot(x: float, y: float):
    return math.hypot(x, y)


def m_atan2(x: float, y: float):
    return math.atan2(x, y)


def m_rounding(x: float):
    return x * (math.floor(x) + math.ceil(x) + math.trunc(x))


# --- reductions -------------------------------------------------------------
def r_prod(x):
    return np.prod(x)


def r_prod_axis(x):
    return np.prod(x, axis=1)


def r_prod_axes_keepdims(x):
    return np.prod(x, (0, 2), keepdims=True)


def r_prod_method(x):
    return x.prod(axis=-1)


def r_var(x):
    return np.var(x)


def r_var_axis_ddof(x):
    return np.var(x, axis=0, ddof=1)


def r_var_positional(x):
    return np.var(x, 1, None, None, 1, True)


def r_var_method(x):
    return x.var(axis=1, keepdims=True)


def r_std(x):
    return np.std(x)


def r_std_axis(x):
    return np.std(x, axis=-1, ddof=1, keepdims=True)


def r_std_method(x):
    return x.std(0)


# --- scans and orderings (x: a (3, 4, 5) array) -------------------------------
def c_cumsum(x):
    return np.cumsum(x)


def c_cumsum_axis(x):
    return np.cumsum(x, axis=1)


def c_cumsum_method(x):
    return x.cumsum(-1)


def c_diff(x):
    return np.diff(x)


def c_diff_n2_axis0(x):
    return np.diff(x, 2, axis=0)


def c_diff_ends(x):
    return np.diff(x, axis=1, prepend=1.5, append=-0.5)


def c_sort(x):
    return np.sort(x)


def c_sort_axis(x):
    return np.sort(x, axis=0) * x


# --- rearrangements ---------------------------------------------------------
def sh_flip(x):
    return np.flip(x)


def sh_flip_axis(x):
    return np.flip(x, axis=1) * x


def sh_fliplr_ud(x):
    return np.fliplr(x) + np.flipud(x)


def sh_roll(x):
    return np.roll(x, 2) + np.roll(x, -1, axis=2) + np.roll(x, (1, 2), axis=(0, 1))


def sh_swap_move(x):
    return (
        np.swapaxes(x, 0, 2) * np.moveaxis(x, (0, 2), (2, 0))[:, ::-1]
        + np.moveaxis(x, 2, 0)[:, :1, :1]
        + x.swapaxes(0, -1)
    )


def sh_ravel(x):
    return np.ravel(x) * x.ravel() + x.flatten()


def sh_squeeze(x):
    return np.squeeze(x[:, :1, :]) + x[:1].squeeze(axis=0)[0]


def sh_atleast(x):
    return np.atleast_3d(x[0]) * np.atleast_2d(x[0, 0]) + np.atleast_1d(x[0, 0, 0])


def sh_broadcast_to(x):
    return np.broadcast_to(x[0], (2, 4, 5)) * np.broadcast_to(x[1, 1], (3, 5))[0]


def sh_triangles(x):
    return np.triu(x) + np.tril(x, -1) + np.triu(x, k=2)


def sh_diagonal(x):
    first = np.sum(np.diagonal(x) ** 2) + np.sum(np.diagonal(x, 1, 1, 2) ** 2)
    return first + np.sum(x.diagonal(offset=-1, axis1=1, axis2=2) ** 3)


def sh_diag(x):
    return np.diag(x[0])[:, None] * np.diag(np.diag(x[1], 1), -1)[:4]


def sh_repeat(x):
    return np.repeat(x, 2) * np.repeat(x, 2)[::-1]


def sh_repeat_axis(x):
    return np.repeat(x, [1, 0, 2, 1], axis=1) + x.repeat(2, axis=0)[1:4, :1]


def sh_tile(x):
    return np.tile(x, 2)[:, :, 3:8] * np.tile(x, (2, 1, 1, 1))[1]


def sh_pad(x):
    return np.pad(x, 1)[1:] * np.pad(x, ((0, 1), (2, 0), (1, 1)), constant_values=3)


def r_prod_sum_rows(x):
    return np.sum(np.prod(x, axis=1))


# --- scipy.special ------------------------------------------------------------
def sp_erf(x):
    return erf(x) * special.erfc(x)


def sp_gammaln(x):
    return gammaln(x + 1.0) + digamma(x) + polygamma(2, x)


def sp_logit(x):
    return logit(x / 2.0)


def sp_softmax(x):
    return softmax(x) + softmax(x, axis=1) * special.softmax(x, axis=(0, 2))


def sp_log_softmax(x):
    return log_softmax(x) + log_softmax(x, axis=-1) * x


# --- operator functions --------------------------------------------------------
def op_arithmetic(x):
    y = operator.mul(operator.add(x, 1.0), operator.sub(x, 0.5))
    z = operator.truediv(operator.neg(y), operator.pow(x, 2))
    return operator.matmul(z, operator.mod(x, 0.7).T)


# --- np.linalg (a: a well-conditioned (3, 3) matrix) ----------------------------
def la_inv(a):
    return np.linalg.inv(a) @ a.T


def la_det(a):
    return np.linalg.det(a) * a


def la_solve_vector(a, b):
    return np.linalg.solve(a, b)


def la_solve_matrix(a, c):
    return np.linalg.solve(a, c)


def la_norm(a, b):
    return np.linalg.norm(a) * np.linalg.norm(b) + np.linalg.norm(a, "fro")


def la_norm_axis(a):
    first = np.linalg.norm(a, axis=0) + np.linalg.norm(a, 1, axis=1)
    return first * np.linalg.norm(a, np.inf, axis=-1, keepdims=False)


# --- contractions ---------------------------------------------------------------
def ct_tensordot(a, b):
    return np.tensordot(a, b, axes=([1, 2], [1, 0])) * np.sum(np.tensordot(a, b, 1))


def ct_tensordot_default(a, b):
    return np.tensordot(a, np.swapaxes(b, 0, 1))


def ct_inner(a, b):
    return np.inner(a, b[:, 0, :].T) * np.inner(a[0, 0], b[:, 0, 0])


def la_trace_offset(x):
    return np.trace(x, offset=1) * np.trace(x, -1) + np.trace(x[0], 2) + x[0].trace()


def la_trace_axes(x):
    return np.trace(x, 1, axis1=1, axis2=2) * np.sum(np.trace(x, axis1=0, axis2=2))


def ct_einsum(a, b):
    first = np.einsum("ijk,kjl->il", a, b) + np.einsum("ijk->i", a)[:, None]
    return first * np.einsum("ijk, kjl, il -> jl", a, b, first)[0, 0]


def ct_cross(a, b):
    return np.cross(a[:2, :3, 0], b[:3, 0, :].T) * np.cross(a[0, :3, 1], b[:3, 1, 1])


def ct_kron(a, b):
    return np.kron(a, b) * np.kron(a[0], b[0, 0])[0]
