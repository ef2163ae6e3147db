"""Scans and orderings: cumsum, cumprod, diff, sort and partition.

cumsum and diff are linear: cumsum's adjoint is the cumulative sum taken from
the other end, diff's is minus the difference of ``g`` padded with a zero at
each end (so the adjoint of each is written with the primitives themselves and
second derivatives read it back).  ``prepend``/``append`` make diff affine: its
tangent is the diff of the tangent padded with zeros (``tangent="jvp"``).  sort
is a permutation of its operand, different at each point: its adjoint puts
``g`` back where argsort took each entry from, its tangent is the tangent
sorted like x.
"""

from __future__ import annotations

import ast
from typing import Any

from ..expr import E
from .record import Primitive, RuleContext, np, register, runtime
from .reductions import only_defaults


def _options(**params: Any) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _cumsum_adjoint(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """Σ_{j >= i} g_j: the cumulative sum of g read backwards (x flattened when
    axis is None)."""
    axis = ctx.axis
    backwards = np.flip(
        np.cumsum(np.flip(g, **_options(axis=axis)), axis), **_options(axis=axis)
    )
    if axis is not None or ctx.ndims == (1,):
        return backwards
    return runtime.reshape_like(backwards, x)


register(
    Primitive(
        "cumsum",
        lambda x, axis=None, **unused: np.cumsum(x, **_options(axis=axis)),
        statics={"axis": None, "dtype": None, "out": None},
        calls=("numpy.cumsum",),
        methods=("cumsum",),
        vjp=(_cumsum_adjoint,),
        tangent="linear",
        refuse=only_defaults(dtype=None, out=None),
    )
)


def _along(axis: int, part: slice) -> Any:
    """The index that takes ``part`` along ``axis`` (negative: from the end)."""
    if axis >= 0:
        return (*(slice(None),) * axis, part)
    return (ast.Constant(...), part, *(slice(None),) * (-axis - 1))


def _diff_forward(
    x: E, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None
) -> E:
    options = _options(prepend=prepend, append=append)
    if axis != -1:
        options = {"axis": axis, **options}
    return np.diff(x, n, **options) if n != 1 else np.diff(x, **options)


def _diff_adjoint(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """Each difference x[i+1] - x[i] sends +g to x[i+1] and -g to x[i]: minus the
    difference of g with a zero at each end, once per order; then the constants
    numpy put at the ends (prepend, append) are cut off."""
    for _ in range(ctx.n):
        g = -_diff_forward(g, 1, ctx.axis, 0, 0)
    first = 1 if ctx.prepend is not None else None
    last = -1 if ctx.append is not None else None
    if first is None and last is None:
        return g
    return g[_along(ctx.axis, slice(first, last))]


def _diff_tangent(t: E, ans: E, x: E, ctx: RuleContext) -> E:
    """The constants at the ends have no tangent: pad the tangent with zeros."""
    zero = {k: 0 for k in ("prepend", "append") if ctx.params[k] is not None}
    return _diff_forward(t, ctx.n, ctx.axis, **zero)


def _static_ends(params: Any) -> tuple[str, str] | None:
    for key in ("prepend", "append"):
        if not isinstance(params[key], int | float | type(None)):
            return (
                f"np.diff's `{key}=` must be a number here",
                "concatenate the values to x first, then take np.diff",
            )
    return None


register(
    Primitive(
        "diff",
        _diff_forward,
        statics={"n": 1, "axis": -1, "prepend": None, "append": None},
        calls=("numpy.diff",),
        vjp=(_diff_adjoint,),
        tangent="jvp",
        jvp=(_diff_tangent,),
        refuse=_static_ends,
    )
)


def _unsort(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """g put back where each sorted entry came from: indexed by the inverse
    permutation, argsort of argsort."""
    axis = ctx.axis
    order = np.argsort(np.argsort(x, axis=axis), axis=axis)
    return np.take_along_axis(g, order, axis=axis)


def _sorted_tangent(t: E, ans: E, x: E, ctx: RuleContext) -> E:
    return np.take_along_axis(t, np.argsort(x, axis=ctx.axis), axis=ctx.axis)


def _sort_axis(params: Any) -> tuple[str, str] | None:
    if not isinstance(params["axis"], int):
        return "np.sort's axis must be an integer here", "sort np.ravel(x) instead"
    return None


register(
    Primitive(
        "sort",
        lambda x, axis=-1: np.sort(x, axis) if axis != -1 else np.sort(x),
        statics={"axis": -1},
        calls=("numpy.sort",),
        vjp=(_unsort,),
        tangent="jvp",
        jvp=(_sorted_tangent,),
        refuse=_sort_axis,
    )
)


register(  # exact where x has zeros: runtime helpers multiply, never divide
    Primitive(
        "cumprod",
        lambda x, axis=None, **_: np.cumprod(x, **_options(axis=axis)),
        statics={"axis": None, "dtype": None, "out": None},
        calls=("numpy.cumprod",),
        methods=("cumprod",),
        vjp=(lambda g, ans, x, ctx: runtime.cumprod_adjoint(g, x, ctx.axis),),
        tangent="jvp",
        jvp=(lambda t, ans, x, ctx: runtime.cumprod_tangent(t, x, ctx.axis),),
        refuse=only_defaults(dtype=None, out=None),
        array_api=None,  # not in the standard
    )
)


# np.partition: a permutation of x too, but numpy does not say which (its order
# around the kth entry is its own): g goes back by ranks, which need no
# permutation from numpy, sorted in the output's order and unsorted in x's.
def _by_rank(g: E, sorted_by: E, unsorted_by: E, axis: int) -> E:
    """g's entries moved from the positions of ``sorted_by``'s values to those of
    the same values in ``unsorted_by``."""
    ranked = np.take_along_axis(g, np.argsort(sorted_by, axis=axis), axis=axis)
    order = np.argsort(np.argsort(unsorted_by, axis=axis), axis=axis)
    return np.take_along_axis(ranked, order, axis=axis)


def _partition_axis(params: Any) -> tuple[str, str] | None:
    if not isinstance(params["axis"], int):
        return "np.partition's axis must be an integer here", "partition np.ravel(x)"
    return None


register(
    Primitive(
        "partition",
        lambda x, kth, axis=-1: (
            np.partition(x, kth, axis) if axis != -1 else np.partition(x, kth)
        ),
        statics={"kth": None, "axis": -1},
        calls=("numpy.partition",),
        vjp=(lambda g, ans, x, ctx: _by_rank(g, ans, x, ctx.axis),),
        tangent="jvp",
        jvp=(lambda t, ans, x, ctx: _by_rank(t, x, ans, ctx.axis),),
        refuse=_partition_axis,
        array_api=None,  # not in the standard
    )
)
register(
    Primitive(
        "argsort",
        lambda x, axis=-1: np.argsort(x, axis) if axis != -1 else np.argsort(x),
        statics={"axis": -1},
        calls=("numpy.argsort",),
        methods=("argsort",),
    )
)
