"""One scalar model per primitive of the rule table, for second derivatives.

tests/test_higher_order.py takes ``adgen.hessian`` of each (``so_<primitive>``)
and compares it with autograd's Hessian of the same source (this file run with
``np`` bound to autograd.numpy), or, for the primitives listed there as
second-order gaps, checks that adgen refuses with a located message.
Each model's Hessian is dense where it can be, so that every second-order
term of the primitive's rule is exercised.

Models for tests/test_higher_order.py.  adgen compiles each one from this file's source.
"""

import numpy as np
from scipy.special import (
    digamma,
    erf,
    erfc,
    expit,
    gammaln,
    log_softmax,
    logit,
    logsumexp,
    polygamma,
    softmax,
)

import adgen


def so_add(x, y):
    return np.sum(np.sin(x + y) * x)


def so_sub(x, y):
    return np.sum(np.sin(x - y) * y)


def so_mul(x, y):
    return np.sum(x * y * x)


def so_div(x, y):
    return np.sum(x / y)


def so_pow(x, y):
    return np.sum(x**y)


def so_mod(x, y):
    return np.sum(np.sin(x % y) * x)


def so_neg(x, y):
    return np.sum(-(x * y) * x)


def so_copy(x, y):
    z = x * y
    for _ in range(2):
        z = np.sin(z) * x
    return np.sum(z)


def so_maximum(x, y):
    return np.sum(np.maximum(x * x, y) * y)


def so_minimum(x, y):
    return np.sum(np.minimum(x * x, y) * y)


def so_sin(x, y):
    return np.sum(np.sin(x * y))


def so_cos(x, y):
    return np.sum(np.cos(x * y))


def so_tan(x, y):
    return np.sum(np.tan(x * y))


def so_arcsin(x, y):
    return np.sum(np.arcsin(x * y))


def so_arccos(x, y):
    return np.sum(np.arccos(x * y))


def so_arctan(x, y):
    return np.sum(np.arctan(x * y))


def so_sinh(x, y):
    return np.sum(np.sinh(x * y))


def so_cosh(x, y):
    return np.sum(np.cosh(x * y))


def so_tanh(x, y):
    return np.sum(np.tanh(x * y))


def so_exp(x, y):
    return np.sum(np.exp(x * y))


def so_exp2(x, y):
    return np.sum(np.exp2(x * y))


def so_expm1(x, y):
    return np.sum(np.expm1(x * y))


def so_log(x, y):
    return np.sum(np.log(x * y))


def so_log2(x, y):
    return np.sum(np.log2(x * y))


def so_log10(x, y):
    return np.sum(np.log10(x * y))


def so_log1p(x, y):
    return np.sum(np.log1p(x * y))


def so_sqrt(x, y):
    return np.sum(np.sqrt(x * y))


def so_reciprocal(x, y):
    return np.sum(np.reciprocal(x * y))


def so_arcsinh(x, y):
    return np.sum(np.arcsinh(x * y))


def so_square(x, y):
    return np.sum(np.square(x * y) * x)


def so_abs(x, y):
    return np.sum(np.abs(x * y) * x)


def so_expit(x, y):
    return np.sum(expit(x * y))


def so_where(x, y):
    return np.sum(np.where(x > 0.75, x * y, y * y) * x)


def so_clip(x, y):
    return np.sum(np.clip(x * y, 0.1, 0.6) * x)


def so_sum(x, y):
    return np.sum(x, axis=0) @ np.sum(x * y, axis=0)


def so_mean(x, y):
    return np.mean(x * y) * np.mean(x, axis=1) @ np.mean(y, axis=1)


def so_max(x, y):
    return np.sum(np.max(x * y, axis=1) ** 2)


def so_min(x, y):
    return np.sum(np.min(x * y, axis=0) ** 2)


def so_logsumexp(x, y):
    return logsumexp(x * y)


def so_matmul(x, y):
    return np.sum((x @ y.T) ** 2)


def so_dot(x, y):
    return np.sum(np.dot(x, y.T) ** 2)


def so_outer(x, y):
    return np.sum(np.outer(x, y) ** 2)


def so_transpose(x, y):
    return np.sum((x.T * y.T) ** 2)


def so_reshape(x, y):
    return np.sum(np.reshape(x * y, (3, 2)) ** 2)


def so_trace(x, y):
    return np.trace(x @ y.T) ** 2


def so_trace_declared(x: "2 3", y: "2 3"):
    return np.trace(x @ y.T) ** 2


def so_getitem(x, y):
    return np.sum(x[0] * y[1] * x[1])


def so_concatenate(x, y):
    return np.sum(np.concatenate([x, x * y]) ** 2)


def so_stack(x, y):
    return np.sum(np.stack([x, x * y]) ** 2)


def so_full_like(x, y):
    return np.sum(np.full_like(x, 1.5) * x * y)


def so_expand_dims(x, y):
    return np.sum((np.expand_dims(x, 0) * y) ** 2)


def softplus(x):
    return np.logaddexp(0.0, x)


@adgen.defvjp(softplus)
def softplus_vjp(g, ans, x):
    return g * expit(x)


def so_custom(x, y):
    return np.sum(softplus(x * y))


# --- logsumexp, with and without axes, shapes declared or not ----------------------


def lse_vector(x):
    return logsumexp(x)


def lse_axis0(x):
    return logsumexp(x, axis=0) * 2.0


def lse_axis1(x):
    return np.sum(logsumexp(x, axis=1) ** 2)


def lse_axis_last(x):
    return np.sum(np.sin(logsumexp(x, axis=-1)))


def lse_axes_keepdims(x):
    return np.sum(logsumexp(x, axis=(0, 2), keepdims=True) ** 2)


def lse_axes(x):
    return np.sum(logsumexp(x, axis=(0, 2)) ** 2)


def lse_declared(x: "3 4"):
    return np.sum(logsumexp(x, axis=1) ** 2)


def lse_cross_entropy(w, x, t):
    z = x @ w
    return np.mean(logsumexp(z, axis=1) - np.sum(z * t, axis=1))


def lse_scale(s, x):
    return np.sum(logsumexp(s * x, axis=1) ** 2)


# --- added for autograd's coverage (issue 15) --------------------------------
def so_arccosh(x, y):
    return np.sum(np.arccosh(1 + x * y))


def so_arctanh(x, y):
    return np.sum(np.arctanh(x * y))


def so_deg2rad(x, y):
    return np.sum(np.sin(np.deg2rad(x * y)) * x)


def so_rad2deg(x, y):
    return np.sum(np.sin(np.rad2deg(x * y)) * x)


def so_cbrt(x, y):
    return np.sum(np.cbrt(x * y))


def so_sinc(x, y):
    return np.sum(np.sinc(x * y))


def so_logaddexp(x, y):
    return np.sum(np.logaddexp(x * y, x))


def so_logaddexp2(x, y):
    return np.sum(np.logaddexp2(x * y, x))


def so_fmax(x, y):
    return np.sum(np.fmax(x * x, y) * y)


def so_fmin(x, y):
    return np.sum(np.fmin(x * x, y) * y)


def so_hypot(x, y):
    return np.sum(np.hypot(x * y, x))


def so_arctan2(x, y):
    return np.sum(np.arctan2(x * y, x + y))


def so_prod(x, y):
    return np.sum(np.prod(x * y, axis=0)) + np.prod(x)


def so_var(x, y):
    return np.var(x * y) + np.sum(np.var(x * y, axis=1, ddof=1))


def so_std(x, y):
    return np.std(x * y) + np.sum(np.std(x + y, axis=0))


def so_cumsum(x, y):
    return np.sum(np.cumsum(x * y, axis=1) ** 2) + np.sum(np.cumsum(x[0] * y[0]) ** 2)


def so_diff(x, y):
    return np.sum(np.diff(x * y) ** 2) + np.sum(np.diff(x * x, axis=0) ** 2)


def so_sort(x, y):
    return np.sum(np.sort(x * y) * x)


def so_flip(x, y):
    return np.sum(np.flip(x * y, axis=1) * x)


def so_fliplr(x, y):
    return np.sum(np.fliplr(x * y) * x)


def so_flipud(x, y):
    return np.sum(np.flipud(x * y) * x)


def so_roll(x, y):
    return np.sum(np.roll(x * y, 1, axis=1) * x)


def so_swapaxes(x, y):
    return np.sum(np.swapaxes(x * y, 0, 1) @ x)


def so_moveaxis(x, y):
    return np.sum(np.moveaxis(x * y, 0, 1) @ x)


def so_ravel(x, y):
    return np.sum(np.ravel(x * y) * np.ravel(x))


def so_squeeze(x, y):
    return np.sum(np.squeeze((x * y)[:1]) * x)


def so_atleast_1d(x, y):
    return np.sum(np.atleast_1d(x * y) * x)


def so_atleast_2d(x, y):
    return np.sum(np.atleast_2d(x * y) * x)


def so_atleast_3d(x, y):
    return np.sum(np.atleast_3d(x * y)[:, :, 0] * x)


def so_broadcast_to(x, y):
    return np.sum(np.broadcast_to((x * y)[:1], (2, 3)) * x)


def so_triu(x, y):
    return np.sum(np.triu(x * y) * x)


def so_tril(x, y):
    return np.sum(np.tril(x * y, 1) * x)


def so_diagonal(x, y):
    return np.sum(np.diagonal((x * y)[:, :2], 0, -1, -2) * x[0, :2])


def so_diag(x, y):
    return np.sum(np.diag((x * y)[:, :2]) ** 2) + np.sum(np.diag((x * y)[0]) ** 2)


def so_repeat(x, y):
    return np.sum(np.repeat(x * y, 2, axis=1)[:, :3] * x)


def so_tile(x, y):
    return np.sum(np.tile(x * y, 2)[:, 1:4] * x)


def so_pad(x, y):
    return np.sum(np.pad(x * y, 1, "constant")[1:3, 1:4] * x)


def so_erf(x, y):
    return np.sum(erf(x * y) * x)


def so_erfc(x, y):
    return np.sum(erfc(x * y) * x)


def so_gammaln(x, y):
    return np.sum(gammaln(x * y + 1.0))


def so_digamma(x, y):
    return np.sum(digamma(x * y + 1.0))


def so_polygamma(x, y):
    return np.sum(polygamma(1, x * y + 1.0))


def so_logit(x, y):
    return np.sum(logit(x * y))


def so_softmax(x, y):
    return np.sum(softmax(x * y, axis=1) * x)


def so_log_softmax(x, y):
    return np.sum(log_softmax(x * y, axis=0) * x)


def so_inv(x, y):
    return np.sum(np.linalg.inv(x.T @ y + 2.0 * np.diag(np.ones(3))) * x[0])


def so_det(x, y):
    return np.linalg.det(x.T @ y + 2.0 * np.diag(np.ones(3)))


def so_solve(x, y):
    a = x.T @ y + 2.0 * np.diag(np.ones(3))
    return np.sum(np.linalg.solve(a, x[0]) ** 2) + np.sum(np.linalg.solve(a, y.T) ** 2)


def so_norm(x, y):
    return np.linalg.norm(x * y) + np.sum(np.linalg.norm(x * y, axis=1) ** 3)


def so_tensordot(x, y):
    return np.sum(np.tensordot(x * y, x, axes=([0], [0])) ** 2)


def so_inner(x, y):
    return np.sum(np.inner(x * y, x) ** 2) + np.inner(x[0], y[0]) ** 2


def so_einsum(x, y):
    first = np.sum(np.einsum("ij,kj->ik", x * y, x) ** 2) + np.sum(
        np.einsum("ij->i", x * y) ** 2
    )
    # '...' and an implicit output; a repeated letter (a trace): test_more_numpy.py,
    # as autograd's einsum rule refuses one
    broadcast = np.sum(np.einsum("i...,i...", x * y, x) ** 2)
    return first + broadcast + np.sum(np.einsum("ij,kj", x * y, x) ** 3)


def so_cross(x, y):
    return np.sum(np.cross(x * y, x) ** 2)


def so_kron(x, y):
    return np.sum(np.kron(x * y, x) ** 2)


def so_index_update(x, y):
    z = x * 1.0
    z[0] = y[1] * x[0]
    return np.sum(z**2)


def so_float(x, y):
    return float(np.sum(x * y)) * np.sum(x * y)


def so_float64(x, y):
    return np.float64(np.sum(x * y)) * np.sum(np.sin(x * y))


def so_real(x, y):
    return np.sum(np.real(x * y) ** 3)


def so_conj(x, y):
    return np.sum(np.conj(x * y) ** 2 * x)


def so_real_if_close(x, y):
    return np.sum(np.real_if_close(x * y) ** 3)


def so_rollaxis(x, y):
    return np.sum(np.rollaxis(x * y, 1) ** 3 * np.arange(3.0)[:, None])


def so_rot90(x, y):
    return np.sum(np.rot90(x * y) ** 3 * np.arange(3.0)[:, None])


def so_partition(x, y):
    return np.sum(np.partition(x * y, 1, axis=1) ** 2 * np.arange(3.0))


def so_nan_to_num(x, y):
    return np.sum(np.nan_to_num(x * y) ** 3)


def so_linspace(x, y):
    return np.sum(np.linspace(x * y, x, 3) ** 3 * np.arange(3.0)[:, None, None])


def so_astype(x, y):
    # (an integer dtype only in test_more_numpy.py: autograd passes g through it)
    return np.sum((x * y).astype(float) ** 3 * x.astype(np.float64))


def so_cumprod(x, y):
    return np.sum(np.cumprod(x * y, axis=1) ** 2)


def _spd2(x, y):
    """A 2x2 symmetric positive definite matrix of x and y (2x3), distinct eigenvalues."""
    a = x * y
    return a @ a.T + np.diag(np.array([2.0, 1.0]))


def so_cholesky(x, y):
    return np.sum(np.linalg.cholesky(_spd2(x, y)) ** 2 * np.array([1.0, 2.0]))


def so_slogdet_logabs(x, y):
    return np.linalg.slogdet(_spd2(x, y))[1] ** 2


def so_eigh_values(x, y):
    return np.sum(np.linalg.eigh(_spd2(x, y))[0] ** 2 * np.array([1.0, 2.0]))


def so_eigh_vectors(x, y):
    return np.sum(np.linalg.eigh(_spd2(x, y))[1] ** 2 * np.array([1.0, 2.0]) * x[:, :2])


def so_select(x, y):
    return np.sum(np.select([x > 0.5, y > 0.5], [x * y, y**2], x) ** 3)


# --- stacking and splitting (adgen/primitives/stacking.py) ---------------------
def so_vstack(x, y):
    return np.sum(np.vstack([x, x * y]) ** 2)


def so_hstack(x, y):
    return np.sum(np.hstack([x, x * y]) ** 2)


def so_column_stack(x, y):
    return np.sum(np.column_stack([x, x * y]) ** 2)


def so_dstack(x, y):
    return np.sum(np.dstack([x, x * y]) ** 2)


def so_r_(x, y):
    return np.sum(np.r_[x, x * y] ** 2)


def so_c_(x, y):
    return np.sum(np.c_[x, x * y] ** 2)


def so_concatenate_rows(x, y):
    return np.sum(np.concatenate(x * y, axis=1) ** 2)


def so_stack_rows(x, y):
    return np.sum(np.stack(x * y, axis=1) ** 2)


def so_split_part(x, y):
    top, bottom = np.split(x * y, 2)
    return np.sum(np.sin(top) * bottom**2)


def so_array_split_part(x, y):
    left, right = np.array_split(x * y, 2, axis=1)
    return np.sum(left**2) * np.sum(np.sin(right))


def so_hsplit_part(x, y):
    left, right = np.hsplit(x * y, [1])
    return np.sum(left**3) + np.sum(np.sin(right)) * np.sum(left)


def so_vsplit_part(x, y):
    top, bottom = np.vsplit(x * y, 2)
    return np.sum(np.sin(top) * bottom)


def so_dsplit_part(x, y):
    front, back = np.dsplit(np.reshape(x * y, (1, 3, 2)), 2)
    return np.sum(np.sin(front) * back**2)
