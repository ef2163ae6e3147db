"""The argument sets each ported function is measured at.

tangent matched arguments to functions by parameter name (scalars a, b, c; a
vector x; an integer n); the same convention is kept here, with a few
functions given their own values.  autograd's tests drew their arguments at
random (``npr.randn`` with a seed); here they are drawn from one fixed seed,
with the shapes and ranges the original tests used.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from .harness import Case
from .reference import leaves

RNG = np.random.default_rng(20261206)


def R(*shape: int) -> Any:
    """autograd's ``R = npr.randn``: a standard normal array (a float for no shape)."""
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def differentiable(args: tuple) -> tuple[int, ...]:
    """Positions of the arguments holding floats (not only integers or booleans)."""
    return tuple(p for p, a in enumerate(args) if any(map(_floating, leaves(a))))


def _floating(leaf: Any) -> bool:
    return isinstance(leaf, (float, np.floating)) or (
        isinstance(leaf, np.ndarray) and leaf.dtype.kind == "f"
    )


def cases(*arg_sets: tuple, wrt: tuple[int, ...] | None = None) -> list[Case]:
    return [Case(a, differentiable(a) if wrt is None else wrt) for a in arg_sets]


TANGENT_BY_NAME = {
    "a": 1.3,
    "b": -0.7,
    "c": 0.4,
    "x": np.array([0.5, -1.2, 2.0]),
    "n": 3,
    "i": 1,
}
# functions with branches are measured on both sides of them
TANGENT_NEGATIVE = {"a": -0.8, "b": 0.6}


def tangent_cases(module: Any) -> dict[str, list[Case]]:
    out = {}
    for name, f in vars(module).items():
        if not inspect.isfunction(f) or f.__module__ != module.__name__:
            continue
        out[name] = _tangent_case(f)
    out.update(_TANGENT_SPECIAL)
    return out


def _tangent_case(f: Callable) -> list[Case]:
    params = list(inspect.signature(f).parameters)
    if not all(p in TANGENT_BY_NAME for p in params):
        return []
    sets = [tuple(TANGENT_BY_NAME[p] for p in params)]
    if "if " in inspect.getsource(f) and "sqrt" not in inspect.getsource(f):
        sets.append(tuple(TANGENT_NEGATIVE.get(p, TANGENT_BY_NAME[p]) for p in params))
    return cases(*sets)


_TANGENT_SPECIAL = {
    "logistic_regression": cases(
        (
            R(4, 3),
            np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]),
            R(3, 2),
            R(2),
        )
    ),
    "unpacking_args_saxpy": cases(((1.3, -0.7, 0.4),)),
    "dict_saxpy": cases(({"a": 1.3, "b": -0.7, "c": 0.4},)),
    "dict_wrapper": cases(((1.3, -0.7, 0.4),)),
    "passthru_unpack": cases(((1.3, -0.7, 0.4),)),
    "listcomp": cases((np.array([0.5, -1.2, 2.0]),)),
    "init_array_grad_maybe_active": cases((R(2, 3),)),
    "rnn": cases((R(3, 2), R(2, 3))),
    "bilinear": cases((R(3), R(2), R(2, 4), R(3, 4), R(4))),
    "nested_dict": cases(({"i": {"j": 1.3, "k": -0.7}},)),
    "extended_slice": cases((R(5),)),
    "gradgrad_pow": cases((1.3, 2.5)),
}


def _rand() -> float:
    return float(RNG.random())


def scalar_ops_cases(module: Any) -> dict[str, list[Case]]:
    """autograd's points: randn, abs(randn) for logarithms, fixed points near the
    inverse trigonometric functions' domains, rand for the binary operations."""
    out = {}
    for name, f in vars(module).items():
        if not inspect.isfunction(f) or f.__module__ != module.__name__:
            continue
        if len(inspect.signature(f).parameters) == 2:
            second = (1,) if name.endswith("arg1") else (0,)
            out[name] = cases((_rand(), _rand()), wrt=second)
        else:
            out[name] = cases((R(),))
    positive = "log log2 log10 log1p expm1 exp2 power_arg1 power_arg1_zero"
    for name in positive.split():
        out[f"test_{name}"] = cases((abs(R()) + 0.05,))
    for name in ["sqrt", "rad2deg", "deg2rad", "radians", "degrees", "sinc"]:
        out[f"test_{name}"] = cases((10.0 * _rand(),))
    out["test_abs"] = out["test_sign"] = cases((1.1,), (-1.1,), (0.0,))
    out["test_sign"] = cases((1.1,), (-1.1,))
    out["test_arccos"] = out["test_arcsin"] = cases((0.1,), (0.2,))
    out["test_arctan"] = out["test_arctanh"] = cases((0.2,), (0.3,))
    out["test_arccosh"] = cases((R() ** 2 + 1,))
    out["test_power_arg0"] = cases((_rand() ** 2 + 1.0,))
    out["test_reciprocal"] = out["test_negative"] = cases((_rand() + 0.05,))
    return out


def numpy_cases() -> dict[str, list[Case]]:
    """The arrays each test_numpy test checked its ``fun`` at."""
    mat1, mat2, vect1, vect2, vect3 = R(10, 11), R(10, 11), R(10), R(11), R(11)
    float1 = R()
    out = {
        "test_dot": cases((mat1, vect2), (mat1, mat2.T), (vect1, mat1), (vect2, vect3)),
        "test_dot_with_floats": cases(
            (mat1, float1), (float1, mat1), (vect1, float1), (float1, vect1)
        ),
        "test_outer": cases((vect2, vect3)),
        "test_non_numpy_sum": cases((R(10, 11), R(10, 11))),
        "test_where": cases((R(4, 5), R(4, 5))),
        "test_linspace": cases((1.2, 3.4), (1.2, -3.4), (1.2, 1.2)),
    }
    shapes = {
        (10, 11): "max min sum_1 sum_2 sum_3 flipud fliplr rot90 cumsum cumsum_no_axis"
        " mean_1 mean_2 mean_3 trace",
        (3, 4, 5): "max_axis max_axis_keepdims min_axis min_axis_keepdims",
        (10, 11, 7): "sum_with_axis_tuple",
        (10,): "cumsum_1d",
        (5, 6, 4): "index_ints index_slice index_lists index_mixed index_slice_fanout"
        " reshape_method reshape_call reshape_method_nolist ravel_method ravel_call"
        " flatten_method concatenate_axis_0 concatenate_axis_1"
        " concatenate_axis_1_unnamed",
        (5,): "vector_slice",
        (7,): "index_multiple_slices",
        (4, 6, 4): "simple_concatenate",
        (11, 10): "trace2",
        (5, 6, 4, 3): "trace_extradims",
        (10, 10): "diag",
        (8, 8): "transpose",
        (4, 5): "roll roll_no_axis",
        (5, 5): "triu tril clip",
        (3, 2): "array_from_arrays array_from_arrays_2 len r_basic r_double"
        " no_relation r_no_relation r_node_and_const r_mixed c_ c_mixed",
        (5, 1, 4): "squeeze_func squeeze_method expand_dims",
        (5, 3, 4): "repeat repeat_axis1_rep1",
        (5, 3): "repeat_axis0",
        (5, 1): "repeat_axis0_rep1",
        (3,): "multi_index multi_index2",
        (4,): "index_dot_slices nan_to_num",
        (5, 10): "cast_to_int",
    }
    for shape, names in shapes.items():
        for name in names.split():
            out[f"test_{name}"] = cases((R(*shape),))
    out["test_repeat_1d_axis0"] = cases((R(5),))
    out["test_r_slicing"] = cases((R(10),))
    out["test_prod_1"] = cases((R(2, 3) ** 2 / 10.0 + 0.1,))
    out["test_prod_2"] = out["test_prod_3"] = cases((R(2, 3) ** 2 + 0.1,))
    out["test_prod_4"] = cases((R(7) ** 2 + 0.1,))
    out["test_var_ddof"] = out["test_std_ddof"] = cases((R(3),), (R(3, 4),), (R(1, 3),))
    out["test_make_diagonal"] = cases((R(4),), (R(3, 4),))
    out["test_diagonal"] = cases((R(4, 4),), (R(3, 4, 4),))
    out["test_cast_to_int"] = cases((_cast_to_int_W(),))
    for name in [
        "1d_array",
        "2d_array",
        "1d_array_fanout",
        "2d_array_fanout",
        "array_from_scalar",
    ]:
        out[f"test_{name}"] = cases((3.0,))
    out["test_array_creation"] = out["test_tensordot_kwargs_by_position"] = cases(
        (1.0,)
    )
    out["test_max_equal_values"] = out["test_maximum_equal_values"] = cases((1.0,))
    for name in ["max_equal_values_2d", "min_3_way_equality"]:
        out[f"test_{name}"] = cases((1.0,), (-1.0,))
    out["test_maximum_equal_values_2d"] = cases((1.0,), (-1.0,), (2.0,))
    return out


def _cast_to_int_W() -> Any:
    """``np.random.randn(5, 10)`` whose last column, cast to int, indexes rows 0..4
    (the original's random W made ``new_W[new_inds]`` raise for |w| >= 5 only)."""
    W = R(5, 10)
    W[:, -1] = np.abs(W[:, -1]) % 5
    return W


def _transform(lims: list[float], x: Any) -> Any:
    """numpy_utils.transform: ``x`` in [0, 1) moved to ``lims`` (always floats here)."""
    return x * (lims[1] - lims[0]) + float(lims[0])


def _rand_array(*shape: int) -> Any:
    return RNG.random(shape)


def _product(*lists: list[Any]) -> list[tuple]:
    """combo_check's ``itertools.product`` of the argument lists."""
    import itertools

    return [tuple(combo) for combo in itertools.product(*lists)]


_UNARY_LIMS = {
    "abs": [0.1, 4.0], "absolute": [0.1, 4.0], "arccosh": [1.1, 4.0],
    "arcsinh": [-0.9, 0.9], "arctanh": [-0.9, 0.9], "ceil": [-1.5, 1.5],
    "floor": [-1.5, 1.5], "log": [0.2, 2.0], "log10": [0.2, 2.0],
    "log1p": [0.2, 2.0], "log2": [0.2, 2.0], "sqrt": [1.0, 3.0],
    "tan": [-1.1, 1.1],
}  # fmt: skip
_UNARY = (
    "sin abs absolute arccosh arcsinh arctanh ceil cos cosh deg2rad degrees exp"
    " exp2 expm1 fabs floor log log10 log1p log2 rad2deg radians sign sinh sqrt"
    " square tan tanh real real_ic imag conj angle"
)
_BINARY_LIMS = {
    "add": ([-2, 2], [-2, 2]), "logaddexp": ([-2, 2], [-2, 2]),
    "logaddexp2": ([-2, 2], [-2, 2]), "true_divide": ([-2, 2], [0.8, 1.2]),
    "true_divide_neg": ([-2, 2], [-0.3, -2.0]), "op_mul": ([-2, 2], [-2, 2]),
    "op_add": ([-2, 2], [-2, 2]), "op_sub": ([-2, 2], [-2, 2]),
}  # fmt: skip
_NO_SAME_ARGS_LIMS = {
    "remainder": ([-0.9, 0.9], [0.7, 1.9]), "mod": ([-2, 2], [0.8, 2.1]),
    "mod_neg": ([-2, 2], [-0.3, -2.0]), "op_mod": ([-2, 2], [0.3, 2.0]),
    "op_mod_neg": ([-2, 2], [-0.3, -2.0]),
}  # fmt: skip


def _unary(lims: list[float]) -> list[Case]:
    values = [1.0, 0.4, _rand_array(2), _rand_array(3, 2), _rand_array(1, 2)]
    return cases(*[(_transform(lims, v),) for v in values])


def _binary(lims_a: list[float], lims_b: list[float], same: bool) -> list[Case]:
    if same:
        shared = [0.6, 1.0, _rand_array(2), _rand_array(3, 2), _rand_array(1, 2)]
        first, second = shared, shared
    else:
        first = [0.6, 2.0, _rand_array(2), _rand_array(3, 2), _rand_array(1, 2)]
        second = [0.7, 3.0, _rand_array(2), _rand_array(3, 2), _rand_array(1, 2)]
    a = [_transform(lims_a, v) for v in first]
    b = [_transform(lims_b, v) for v in second]
    return cases(*_product(a, b))


def systematic_cases() -> dict[str, list[Case]]:
    """Each test's argument lists, combined as combo_check combines them."""
    out: dict[str, list[Case]] = {}
    for name in ["max", "all", "any", "mean", "min", "sum", "prod", "var", "std"]:
        out[f"test_{name}"] = cases((R(3),), (R(2, 3),), (R(1, 3),))
    for name in _UNARY.split():
        out[f"test_{name}"] = _unary(_UNARY_LIMS.get(name, [-2, 2]))
    for name, (lims_a, lims_b) in _BINARY_LIMS.items():
        out[f"test_{name}"] = _binary(lims_a, lims_b, same=True)
    for name, (lims_a, lims_b) in _NO_SAME_ARGS_LIMS.items():
        out[f"test_{name}"] = _binary(lims_a, lims_b, same=False)
    out.update(_systematic_misc())
    out.update(_systematic_shapes())
    return out


def _systematic_misc() -> dict[str, list[Case]]:
    pair = [R(1), R(1, 4), R(3, 4)]
    out = {
        "test_kron": cases(*_product([R(5, 5), R(4, 4)], [R(3, 3), R(2, 2)])),
        "test_inner": cases(*_product([1.5, R(3), R(2, 3)], [0.3, R(3), R(4, 3)])),
        "test_dot": cases(
            *_product(
                [1.5, R(3), R(2, 3), R(2, 2, 3)], [0.3, R(3), R(3, 4), R(2, 3, 4)]
            )
        ),
        "test_matmul": cases(
            *_product([R(3), R(2, 3), R(2, 2, 3)], [R(3), R(3, 4), R(2, 3, 4)])
        ),
        "test_tensordot_1": cases(
            *_product([R(1, 3), R(2, 3, 2)], [R(3), R(3, 1), R(3, 4, 2)])
        ),
        "test_tensordot_2": cases(
            *_product([R(3), R(3, 1), R(3, 4, 2)], [R(1, 3), R(2, 3, 2)])
        ),
        "test_tensordot_3": cases(
            *_product([R(2, 3), R(2, 3, 4)], [R(1, 2, 3), R(2, 2, 3, 4)])
        ),
        "test_tensordot_4": cases(
            *_product([R(2, 2), R(4, 2, 2)], [R(2, 2), R(2, 2, 4)])
        ),
        "test_tensordot_5": cases((R(4), R())),
        "test_tensordot_6": cases((R(2, 6), R(6, 3))),
        "test_cross": cases((R(3, 3), R(3, 3))),
        "test_einsum_matmult": cases((R(2, 3), R(3, 4))),
        "test_einsum_matmult_broadcast": cases(
            *_product([R(2, 3), R(2, 2, 3)], [R(3, 4), R(2, 3, 4)])
        ),
        "test_einsum_covsum": cases((R(3, 4, 4), R(4, 4, 3))),
        "test_einsum_ellipses": cases(
            *_product([R(4, 4), R(3, 4, 4)], [R(4, 4), R(3, 4, 4)])
        ),
        "test_einsum_ellipses_tail": cases(
            *_product([R(3, 2), R(3, 2, 4)], [R(2, 3), R(2, 3, 4)])
        ),
        "test_einsum_ellipses_center": cases(
            *_product([R(2, 2), R(2, 2, 2)], [R(2, 2), R(2, 2, 2)])
        ),
        "test_einsum_three_args": cases(
            (R(3, 4, 4), R(4, 4, 3), R(4, 4, 3)), wrt=(0, 1)
        ),
        "test_einsum2_matmult": cases((R(2, 3), R(3, 4))),
        "test_einsum2_matmult_broadcast": cases(
            *_product([R(2, 3), R(2, 2, 3)], [R(3, 4), R(2, 3, 4)])
        ),
        "test_einsum2_covsum": cases((R(3, 4, 4), R(4, 4, 3))),
        "test_einsum2_three_args": cases(
            (R(3, 4, 4), R(4, 4, 3), R(4, 4, 3)), wrt=(0, 1)
        ),
        "test_select": cases(
            (
                [R(3, 4, 5) > 0, R(3, 4, 5) > 0, R(3, 4, 5) > 0],
                [R(3, 4, 5), R(3, 4, 5), R(3, 4, 5)],
            ),
            wrt=(1,),
        ),
    }
    for name in ["maximum", "fmax", "minimum", "fmin"]:
        out[f"test_{name}"] = cases(*_product(pair, [R(1), R(1, 4), R(3, 4)]))
    return out


def _systematic_shapes() -> dict[str, list[Case]]:
    one_arg = {
        "transpose": [R(2, 3, 4)],
        "repeat": [R(2, 3, 4), R(3, 1)],
        "diff": [R(5, 5), R(5, 5, 5)],
        "tile": [R(1, 2)],
        "sort": [R(1), R(7)],
        "msort": [R(1), R(7)],
        "partition": [R(7), R(14)],
        "atleast_1d": [1.2, R(1), R(7), R(1, 4), R(2, 4), R(2, 4, 5)],
        "atleast_2d": [1.2, R(1), R(7), R(1, 4), R(2, 4), R(2, 4, 5)],
        "atleast_3d": [1.2, R(1), R(7), R(1, 4), R(2, 4), R(2, 4, 5), R(2, 4, 3, 5)],
        "einsum_transpose": [R(1, 1), R(4, 4), R(3, 4)],
        "einsum2_transpose": [R(1, 1), R(4, 4), R(3, 4)],
        "trace": [R(5, 5), R(4, 5), R(5, 4), R(3, 4, 5)],
        "diag": [R(5, 5)],
        "diag_flat": [R(5)],
        "tril": [R(5, 5)],
        "triu": [R(5, 5)],
        "tril_3d": [R(5, 5, 4)],
        "triu_3d": [R(5, 5, 4)],
        "swapaxes": [R(3, 4, 5)],
        "rollaxis": [R(2, 3, 4)],
        "vsplit_2d": [R(4, 8)],
        "vsplit_3d": [R(4, 4, 4)],
        "hsplit_2d": [R(4, 8)],
        "hsplit_3d": [R(4, 4, 4)],
        "dsplit_3d": [R(4, 4, 4)],
        "split_1d": [R(1), R(7)],
        "split_2d": [R(4, 8)],
        "split_3d": [R(4, 4, 4)],
        "array_split_1d": [R(1), R(7)],
        "array_split_2d": [R(7, 7)],
        "array_split_3d": [R(7, 7, 7)],
        "concatenate_1ist": [(R(1), R(3))],
        "concatenate_tuple": [[R(1), R(3)]],
        "concatenate_2d": [(R(2, 2), R(2, 2))],
        "concatenate_3d": [(R(2, 2, 2), R(2, 2, 2))],
        "vstack_1d": [R(2), (R(2), R(2))],
        "vstack_2d": [R(2, 3), (R(2, 4), R(1, 4))],
        "vstack_3d": [R(2, 3, 4), (R(2, 3, 4), R(5, 3, 4))],
        "hstack_1d": [R(2), (R(2), R(2))],
        "hstack_2d": [R(3, 2), (R(3, 4), R(3, 5))],
        "hstack_3d": [R(2, 3, 4), (R(2, 1, 4), R(2, 5, 4))],
        "stack_1d": [(R(2),), (R(2), R(2))],
        "row_stack_1d": [R(2), (R(2), R(2))],
        "row_stack_2d": [R(2, 3), (R(2, 4), R(1, 4))],
        "column_stack_1d": [R(2), (R(2), R(2))],
        "column_stack_2d": [R(2, 2), (R(2, 2), R(2, 2))],
    }
    return {f"test_{name}": cases(*[(v,) for v in vs]) for name, vs in one_arg.items()}
