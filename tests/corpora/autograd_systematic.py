"""HIPS/autograd's systematic tests, ported for adgen's corpus measurement.

Source: https://github.com/HIPS/autograd, tests/test_systematic.py (commit
b7b4a5f4) and the checks of tests/numpy_utils.py it calls, Copyright (c) 2014
by the Authors, MIT License.  autograd checks ``to_scalar(fun(*args,
**kwargs))`` for every combination of the argument and keyword lists a test
gives; here each test is one function named after it, calling its numpy
function with one of those keyword combinations written in, and measured at
every argument combination (tests/corpora/arguments.py).  ``stat_check`` tests
use ``axis=0, keepdims=True``; ``unary_ufunc_check``/``binary_ufunc_check``
tests the bare function.  autograd's ``to_scalar`` is the helper below without
``np.real`` (the identity on the real inputs used here); second-order checks
and the complex-valued inputs are not ported.  A test defined twice in the
original (test_max, test_sin) is ported once.
"""

# ruff: noqa

import operator as op

import numpy as np


def to_scalar(x):
    return np.sum(np.sin(x))


# Array statistics functions (stat_check)


def test_max(x):
    return to_scalar(np.max(x, axis=0, keepdims=True))


def test_all(x):
    return to_scalar(np.all(x, axis=0, keepdims=True))


def test_any(x):
    return to_scalar(np.any(x, axis=0, keepdims=True))


def test_mean(x):
    return to_scalar(np.mean(x, axis=0, keepdims=True))


def test_min(x):
    return to_scalar(np.min(x, axis=0, keepdims=True))


def test_sum(x):
    return to_scalar(np.sum(x, axis=0, keepdims=True))


def test_prod(x):
    return to_scalar(np.prod(x, axis=0, keepdims=True))


def test_var(x):
    return to_scalar(np.var(x, axis=0, keepdims=True))


def test_std(x):
    return to_scalar(np.std(x, axis=0, keepdims=True))


# Unary ufunc tests (unary_ufunc_check)


def test_sin(x):
    return to_scalar(np.sin(x))


def test_abs(x):
    return to_scalar(np.abs(x))


def test_absolute(x):
    return to_scalar(np.absolute(x))


def test_arccosh(x):
    return to_scalar(np.arccosh(x))


def test_arcsinh(x):
    return to_scalar(np.arcsinh(x))


def test_arctanh(x):
    return to_scalar(np.arctanh(x))


def test_ceil(x):
    return to_scalar(np.ceil(x))


def test_cos(x):
    return to_scalar(np.cos(x))


def test_cosh(x):
    return to_scalar(np.cosh(x))


def test_deg2rad(x):
    return to_scalar(np.deg2rad(x))


def test_degrees(x):
    return to_scalar(np.degrees(x) / 50.0)


def test_exp(x):
    return to_scalar(np.exp(x))


def test_exp2(x):
    return to_scalar(np.exp2(x))


def test_expm1(x):
    return to_scalar(np.expm1(x))


def test_fabs(x):
    return to_scalar(np.fabs(x))


def test_floor(x):
    return to_scalar(np.floor(x))


def test_log(x):
    return to_scalar(np.log(x))


def test_log10(x):
    return to_scalar(np.log10(x))


def test_log1p(x):
    return to_scalar(np.log1p(x))


def test_log2(x):
    return to_scalar(np.log2(x))


def test_rad2deg(x):
    return to_scalar(np.rad2deg(x) / 50.0)


def test_radians(x):
    return to_scalar(np.radians(x))


def test_sign(x):
    return to_scalar(np.sign(x))


def test_sinh(x):
    return to_scalar(np.sinh(x))


def test_sqrt(x):
    return to_scalar(np.sqrt(x))


def test_square(x):
    return to_scalar(np.square(x))


def test_tan(x):
    return to_scalar(np.tan(x))


def test_tanh(x):
    return to_scalar(np.tanh(x))


def test_real(x):
    return to_scalar(np.real(x))


def test_real_ic(x):
    return to_scalar(np.real_if_close(x))


def test_imag(x):
    return to_scalar(np.imag(x))


def test_conj(x):
    return to_scalar(np.conj(x))


def test_angle(x):
    return to_scalar(np.angle(x))


# Binary ufunc tests (binary_ufunc_check, binary_ufunc_check_no_same_args)


def test_add(x, y):
    return to_scalar(np.add(x, y))


def test_logaddexp(x, y):
    return to_scalar(np.logaddexp(x, y))


def test_logaddexp2(x, y):
    return to_scalar(np.logaddexp2(x, y))


def test_remainder(x, y):
    return to_scalar(np.remainder(x, y))


def test_true_divide(x, y):
    return to_scalar(np.true_divide(x, y))


def test_mod(x, y):
    return to_scalar(np.mod(x, y))


def test_true_divide_neg(x, y):
    return to_scalar(np.true_divide(x, y))


def test_mod_neg(x, y):
    return to_scalar(np.mod(x, y))


def test_op_mul(x, y):
    return to_scalar(op.mul(x, y))


def test_op_add(x, y):
    return to_scalar(op.add(x, y))


def test_op_sub(x, y):
    return to_scalar(op.sub(x, y))


def test_op_mod(x, y):
    return to_scalar(op.mod(x, y))


def test_op_mod_neg(x, y):
    return to_scalar(op.mod(x, y))


# Misc tests (combo_check)


def test_transpose(x):
    return to_scalar(np.transpose(x, axes=[2, 0, 1]))


def test_repeat(x):
    return to_scalar(np.repeat(x, repeats=2, axis=1))


def test_diff(x):
    return to_scalar(np.diff(x, n=2, axis=1))


def test_tile(x):
    return to_scalar(np.tile(x, reps=(2, 3)))


def test_kron(x, y):
    return to_scalar(np.kron(x, y))


def test_inner(x, y):
    return to_scalar(np.inner(x, y))


def test_dot(x, y):
    return to_scalar(np.dot(x, y))


def test_matmul(x, y):
    return to_scalar(np.matmul(x, y))


def test_tensordot_1(x, y):
    return to_scalar(np.tensordot(x, y, axes=[(1,), (0,)]))


def test_tensordot_2(x, y):
    return to_scalar(np.tensordot(x, y, axes=[(0,), (1,)]))


def test_tensordot_3(x, y):
    return to_scalar(np.tensordot(x, y, axes=[(0, 1), (1, 2)]))


def test_tensordot_4(x, y):
    return to_scalar(np.tensordot(x, y, axes=1))


def test_tensordot_5(x, y):
    return to_scalar(np.tensordot(x, y, axes=0))


def test_tensordot_6(x, y):
    return to_scalar(np.tensordot(x, y, axes=[[-1], [0]]))


def test_maximum(x, y):
    return to_scalar(np.maximum(x, y))


def test_fmax(x, y):
    return to_scalar(np.fmax(x, y))


def test_minimum(x, y):
    return to_scalar(np.minimum(x, y))


def test_fmin(x, y):
    return to_scalar(np.fmin(x, y))


def test_sort(x):
    return to_scalar(np.sort(x))


def test_msort(x):
    return to_scalar(np.msort(x))


def test_partition(x):
    return to_scalar(np.partition(x, kth=3))


def test_atleast_1d(x):
    return to_scalar(np.atleast_1d(x))


def test_atleast_2d(x):
    return to_scalar(np.atleast_2d(x))


def test_atleast_3d(x):
    return to_scalar(np.atleast_3d(x))


def test_einsum_transpose(x):
    return to_scalar(np.einsum("ij->ji", x))


def test_einsum_matmult(x, y):
    return to_scalar(np.einsum("ij,jk->ik", x, y))


def test_einsum_matmult_broadcast(x, y):
    return to_scalar(np.einsum("...ij,...jk->...ik", x, y))


def test_einsum_covsum(x, y):
    return to_scalar(np.einsum("ijk,lji->lki", x, y))


def test_einsum_ellipses(x, y):
    return to_scalar(np.einsum("...jk,...lj->...lk", x, y))


def test_einsum_ellipses_tail(x, y):
    return to_scalar(np.einsum("jk...,lj...->lk...", x, y))


def test_einsum_ellipses_center(x, y):
    return to_scalar(np.einsum("j...k,lj...->lk...", x, y))


def test_einsum_three_args(x, y, z):
    return to_scalar(np.einsum("ijk,lji,lli->lki", x, y, z))


def test_einsum2_transpose(x):
    return to_scalar(np.einsum(x, (0, 1), (1, 0)))


def test_einsum2_matmult(x, y):
    return to_scalar(np.einsum(x, (0, 1), y, (1, 2), (0, 2)))


def test_einsum2_matmult_broadcast(x, y):
    return to_scalar(
        np.einsum(x, (Ellipsis, 0, 1), y, (Ellipsis, 1, 2), (Ellipsis, 0, 2))
    )


def test_einsum2_covsum(x, y):
    return to_scalar(np.einsum(x, (0, 1, 2), y, (3, 1, 0), (3, 2, 0)))


def test_einsum2_three_args(x, y, z):
    return to_scalar(np.einsum(x, (0, 1, 2), y, (3, 1, 0), z, (3, 3, 0), (3, 2, 0)))


def test_trace(x):
    return to_scalar(np.trace(x, offset=1))


def test_diag(x):
    return to_scalar(np.diag(x, k=1))


def test_diag_flat(x):
    return to_scalar(np.diag(x, k=1))


def test_tril(x):
    return to_scalar(np.tril(x, k=1))


def test_triu(x):
    return to_scalar(np.tril(x, k=1))


def test_tril_3d(x):
    return to_scalar(np.tril(x, k=1))


def test_triu_3d(x):
    return to_scalar(np.tril(x, k=1))


def test_swapaxes(x):
    return to_scalar(np.swapaxes(x, axis1=0, axis2=2))


def test_rollaxis(x):
    return to_scalar(np.rollaxis(x, axis=2, start=0))


def test_cross(x, y):
    return to_scalar(np.cross(x, y, axisa=-1, axisb=-1, axisc=-1, axis=None))


def test_vsplit_2d(x):
    return to_scalar(np.vsplit(x, 4))


def test_vsplit_3d(x):
    return to_scalar(np.vsplit(x, 2))


def test_hsplit_2d(x):
    return to_scalar(np.hsplit(x, 4))


def test_hsplit_3d(x):
    return to_scalar(np.hsplit(x, 2))


def test_dsplit_3d(x):
    return to_scalar(np.dsplit(x, 2))


def test_split_1d(x):
    return to_scalar(np.split(x, 1, axis=0))


def test_split_2d(x):
    return to_scalar(np.split(x, 4, axis=0))


def test_split_3d(x):
    return to_scalar(np.split(x, 2, axis=0))


def test_array_split_1d(x):
    return to_scalar(np.array_split(x, 1, axis=0))


def test_array_split_2d(x):
    return to_scalar(np.array_split(x, 4, axis=0))


def test_array_split_3d(x):
    return to_scalar(np.array_split(x, 4, axis=0))


def test_concatenate_1ist(x):
    return to_scalar(np.concatenate(x, axis=0))


def test_concatenate_tuple(x):
    return to_scalar(np.concatenate(x, axis=0))


def test_concatenate_2d(x):
    return to_scalar(np.concatenate(x, axis=1))


def test_concatenate_3d(x):
    return to_scalar(np.concatenate(x, axis=2))


def test_vstack_1d(x):
    return to_scalar(np.vstack(x))


def test_vstack_2d(x):
    return to_scalar(np.vstack(x))


def test_vstack_3d(x):
    return to_scalar(np.vstack(x))


def test_hstack_1d(x):
    return to_scalar(np.hstack(x))


def test_hstack_2d(x):
    return to_scalar(np.hstack(x))


def test_hstack_3d(x):
    return to_scalar(np.hstack(x))


def test_stack_1d(x):
    return to_scalar(np.stack(x, axis=1))


def test_row_stack_1d(x):
    return to_scalar(np.row_stack(x))


def test_row_stack_2d(x):
    return to_scalar(np.row_stack(x))


def test_column_stack_1d(x):
    return to_scalar(np.column_stack(x))


def test_column_stack_2d(x):
    return to_scalar(np.column_stack(x))


def test_select(x, y):
    return to_scalar(np.select(x, y, default=1.1))
