"""HIPS/autograd's numpy tests, ported for adgen's corpus measurement.

Source: https://github.com/HIPS/autograd, tests/test_numpy.py (commit
21e70d6b), Copyright (c) 2014 by the Authors, MIT License.  Each test's
``fun`` is retyped as a function named after the test, its body as written.
Adapted for the harness only:

* a value ``fun`` closed over (an array, ``offset``, ``N``, ``num``) is a
  module-level constant named after its test, drawn once from a fixed seed;
* a ``combo_check`` test becomes one function with one of its keyword
  combinations written into the call;
* autograd's ``to_scalar`` (``np.sum(np.real(np.sin(x)))``) is the helper
  below without ``np.real``, the identity on the real inputs used here;
* the second-order checks (``d_fun``) are not ported.
"""

# ruff: noqa

import numpy as np
import numpy.random as npr

_rng = np.random.RandomState(1)
simple_concatenate_A = _rng.randn(5, 6, 4)
concatenate_B = _rng.randn(5, 6, 4)
trace_offset = 3
trace2_offset = -2
trace_extradims_offset = 1
no_relation_c = _rng.randn(3, 2)
r_c = _rng.randn(3, 2)
r_slicing_c = _rng.randn(10)
where_C = _rng.randn(4, 5) > 0
array_creation_N = 100000
cast_to_int_inds = np.ones(5)[:, None]
nan_to_num_y = np.array([0.0, np.nan, np.inf, -np.inf])
linspace_num = 5


def to_scalar(x):
    return np.sum(np.sin(x))


def test_dot(x, y):
    return to_scalar(np.dot(x, y))


def test_dot_with_floats(x, y):
    return to_scalar(np.dot(x, y))


def test_outer(x, y):
    return to_scalar(np.outer(x, y))


def test_max(x):
    return to_scalar(np.max(x))


def test_max_axis(x):
    return to_scalar(np.max(x, axis=1))


def test_max_axis_keepdims(x):
    return to_scalar(np.max(x, axis=1, keepdims=True))


def test_min(x):
    return to_scalar(np.min(x))


def test_min_axis(x):
    return to_scalar(np.min(x, axis=1))


def test_min_axis_keepdims(x):
    return to_scalar(np.min(x, axis=1, keepdims=True))


def test_sum_1(x):
    return to_scalar(np.sum(x))


def test_sum_2(x):
    return to_scalar(np.sum(x, axis=0))


def test_sum_3(x):
    return to_scalar(np.sum(x, axis=0, keepdims=True))


def test_sum_with_axis_tuple(x):
    return to_scalar(np.sum(x, axis=(1, 2)))


def test_flipud(x):
    return to_scalar(np.flipud(x))


def test_fliplr(x):
    return to_scalar(np.fliplr(x))


def test_rot90(x):
    return to_scalar(np.rot90(x))


def test_cumsum(x):
    return to_scalar(np.cumsum(x, axis=0))


def test_cumsum_1d(x):
    return to_scalar(np.cumsum(x))


def test_cumsum_no_axis(x):
    return to_scalar(np.cumsum(x))


def test_non_numpy_sum(x, y):
    return to_scalar(sum([x, y]))


def test_mean_1(x):
    return to_scalar(np.mean(x))


def test_mean_2(x):
    return to_scalar(np.mean(x, axis=0))


def test_mean_3(x):
    return to_scalar(np.mean(x, axis=0, keepdims=True))


def test_index_ints(x):
    return to_scalar(x[3, 0, 1])


def test_index_slice(x):
    return to_scalar(x[::-1, 2:4, :])


def test_index_lists(x):
    return to_scalar(x[[0, 1, 2], :, :])


def test_index_mixed(x):
    return to_scalar(x[3, 2:, [1, 3]])


def test_vector_slice(x):
    return to_scalar(x[2:4])


def test_index_slice_fanout(x):
    y = x[::-1, 2:4, :]
    z = x[::-1, 3:5, :]
    return to_scalar(y + z)


def test_index_multiple_slices(x):
    y = x[2:6]
    z = y[1:3]
    return to_scalar(z)


def test_reshape_method(x):
    return to_scalar(x.reshape((5 * 4, 6)))


def test_reshape_call(x):
    return to_scalar(np.reshape(x, (5 * 4, 6)))


def test_reshape_method_nolist(x):
    return to_scalar(x.reshape(5 * 4, 6))


def test_ravel_method(x):
    return to_scalar(x.ravel())


def test_ravel_call(x):
    return to_scalar(np.ravel(x))


def test_flatten_method(x):
    return to_scalar(x.flatten())


def test_simple_concatenate(x):
    return to_scalar(np.concatenate((simple_concatenate_A, x)))


def test_concatenate_axis_0(x):
    return to_scalar(np.concatenate((concatenate_B, x, concatenate_B)))


def test_concatenate_axis_1(x):
    return to_scalar(np.concatenate((concatenate_B, x, concatenate_B), axis=1))


def test_concatenate_axis_1_unnamed(x):
    return to_scalar(np.concatenate((concatenate_B, x, concatenate_B), 1))


def test_trace(x):
    return np.trace(x, offset=trace_offset)


def test_trace2(x):
    return np.trace(x, offset=trace2_offset)


def test_trace_extradims(x):
    return to_scalar(np.trace(x, offset=trace_extradims_offset))


def test_diag(x):
    return to_scalar(np.diag(x))


def test_transpose(x):
    return to_scalar(x.T)


def test_roll(x):
    return to_scalar(np.roll(x, 2, axis=1))


def test_roll_no_axis(x):
    return to_scalar(np.roll(x, 2, axis=1))


def test_triu(x):
    return to_scalar(np.triu(x, k=2))


def test_tril(x):
    return to_scalar(np.tril(x, k=2))


def test_clip(x):
    return to_scalar(np.clip(x, a_min=0.1, a_max=1.1))


def test_prod_1(x):
    return to_scalar(np.prod(x))


def test_prod_2(x):
    return to_scalar(np.prod(x, axis=0))


def test_prod_3(x):
    return to_scalar(np.prod(x, axis=0, keepdims=True))


def test_prod_4(x):
    return to_scalar(np.prod(x))


def test_1d_array(x):
    return to_scalar(np.array([x, x * 1.0, x + 2.5]))


def test_2d_array(x):
    return to_scalar(np.array([[x, x * 1.0, x + 2.5], [x**2, x, x / 2.0]]))


def test_1d_array_fanout(x):
    A = to_scalar(np.array([x, x * 1.0, x + 2.5]))
    return to_scalar(A + A)


def test_2d_array_fanout(x):
    A = np.array([[x, x * 1.0, x + 2.5], [x**2, x, x / 2.0]])
    return to_scalar(A + A)


def test_array_from_scalar(x):
    return to_scalar(np.array(x))


def test_array_from_arrays(x):
    return to_scalar(np.array([x, x]))


def test_array_from_arrays_2(x):
    return to_scalar(np.array([[2 * x, x + 1], [x, x]]))


def test_len(x):
    assert len(x) == 3
    return to_scalar(x)


def test_r_basic(x):
    c = npr.randn(3, 2)
    b = np.r_[x]
    return to_scalar(b)


def test_r_double(x):
    c = npr.randn(3, 2)
    b = np.r_[x, x]
    return to_scalar(b)


def test_no_relation(x):
    return to_scalar(no_relation_c)


def test_r_no_relation(x):
    b = np.r_[r_c]
    return to_scalar(b)


def test_r_node_and_const(x):
    b = np.r_[x, r_c]
    return to_scalar(b)


def test_r_mixed(x):
    b = np.r_[x, r_c, x]
    return to_scalar(b)


def test_r_slicing(x):
    b = np.r_[x, r_slicing_c, 1:10]
    return to_scalar(b)


def test_c_(x):
    b = np.c_[x, r_c, x]
    return to_scalar(b)


def test_c_mixed(x):
    b = np.c_[x, r_c, x]
    return to_scalar(b)


def test_var_ddof(x):
    return to_scalar(np.var(x, axis=None, keepdims=False, ddof=1))


def test_std_ddof(x):
    return to_scalar(np.std(x, axis=None, keepdims=False, ddof=1))


def test_where(x, y):
    b = np.where(where_C, x, y)
    return to_scalar(b)


def test_squeeze_func(x):
    return to_scalar(np.squeeze(x))


def test_squeeze_method(x):
    return to_scalar(x.squeeze())


def test_repeat(x):
    return to_scalar(np.repeat(x, 2, axis=1))


def test_repeat_axis1_rep1(x):
    return to_scalar(np.repeat(x, 1, axis=1))


def test_repeat_axis0(x):
    return to_scalar(np.repeat(x, 2, axis=0))


def test_repeat_1d_axis0(x):
    return to_scalar(np.repeat(x, 2, axis=0))


def test_repeat_axis0_rep1(x):
    return to_scalar(np.repeat(x, 1, axis=0))


def test_expand_dims(x):
    return to_scalar(np.expand_dims(x, 2))


def test_array_creation(x):
    arr = [x for i in range(array_creation_N)]
    return np.sum(np.array(arr))


def test_tensordot_kwargs_by_position(x):
    return np.tensordot(x * np.ones((2, 2)), x * np.ones((2, 2)), 2)


def test_multi_index(x):
    return np.sum(x[[0, 0]])


def test_multi_index2(x):
    return np.sum(x[[0, 1, 0]])


def test_index_dot_slices(x):
    return np.dot(x[:2], x[2:])


def test_cast_to_int(W):
    # glue W and inds together
    glued_together = np.concatenate((W, cast_to_int_inds), axis=1)

    # separate W and inds back out
    new_W = W[:, :-1]
    new_inds = np.int64(W[:, -1])

    assert new_inds.dtype == np.int64
    return new_W[new_inds].sum()


def test_make_diagonal(D):
    return to_scalar(np.make_diagonal(D, axis1=-1, axis2=-2))


def test_diagonal(D):
    return to_scalar(np.diagonal(D, axis1=-1, axis2=-2))


def test_nan_to_num(x):
    return np.sum(np.sin(np.nan_to_num(x + nan_to_num_y)))


def test_max_equal_values(x):
    return to_scalar(np.max(np.array([x, x])))


def test_max_equal_values_2d(x):
    return to_scalar(np.max(np.array([[x, x], [x, 0.5]]), axis=1))


def test_min_3_way_equality(x):
    return to_scalar(
        np.min(
            np.array([[x, x, x], [x, 0.5, 0.5], [0.5, 0.5, 0.5], [x, x, 0.5]]), axis=0
        )
    )


def test_maximum_equal_values(x):
    return to_scalar(np.maximum(x, x))


def test_maximum_equal_values_2d(x):
    return to_scalar(
        np.maximum(np.array([x, x, 0.5]), np.array([[x, 0.5, x], [x, x, 0.5]]))
    )


def test_linspace(x, y):
    return to_scalar(np.linspace(x, y, linspace_num))
