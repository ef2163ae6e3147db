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
from scipy.special import expit, logsumexp

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


def so_index_update(x, y):
    z = x * 1.0
    z[0] = y[1] * x[0]
    return np.sum(z**2)
