"""What emitted gradient code calls beyond the user-facing primitives, so that
adgen can read its own output and differentiate it again (higher order: see
higher.py).

Each run-time helper is linear in the adjoint ``a`` it carries (forward mode
applies it to the tangents); its other operands give only shapes or masks,
which are constant almost everywhere (no gradient).
"""

from __future__ import annotations

from typing import Any

from ..expr import E
from .record import (
    Forward,
    Partial,
    Primitive,
    RuleContext,
    call,
    np,
    register,
    runtime,
)
from .reductions import summed

# Helpers that are primitives with rules too, so that adgen can read its own
# gradient code back (higher order; concatenate_part takes a list: not yet).
GRADIENT_HELPERS = [
    "split_adjoint",
    "unbroadcast",
    "broadcast_like",
    "extremum_adjoint",
    "index_adjoint",
    "trace_adjoint",
    "matmul_adjoint_x",
    "matmul_adjoint_y",
    "dot_adjoint_x",
    "dot_adjoint_y",
    "unreduce",
    "sum_like",
    "diag_adjoint",
    "diagonal_adjoint",
    "repeat_adjoint",
    "reshape_like",
    "solve_adjoint_a",
    "tensordot_adjoint_a",
    "tensordot_adjoint_b",
    "tile_adjoint",
    "unpad",
    "kron_adjoint_a",
    "kron_adjoint_b",
]

register(
    Primitive(
        "full_like",
        call(np.full_like),
        ("x", "fill_value"),
        elementwise=True,
        shaped_like="x",
        calls=("numpy.full_like",),
        vjp=(None, lambda g, ans, x, v, ctx: g),  # the reverse pass sums g to v's shape
        tangent="linear",
    )
)
# Summing over the inserted size-1 axes drops them, and np.sum has a rule of
# its own (np.reshape(g, np.shape(x)) would not read back: a call in a shape).
register(
    Primitive(
        "expand_dims",
        lambda x, axis: np.expand_dims(x, axis),
        statics={"axis": None},
        calls=("numpy.expand_dims",),
        vjp=(lambda g, ans, x, ctx: summed(g, ctx.axis, False),),
        tangent="linear",
        view=True,
    )
)


def _helper_call(helper: Any) -> Forward:
    """Forward spelling ``helper(*operands, *statics)``: the helpers take them in order."""
    return lambda *xs, **params: helper(*xs, *params.values())


def _helper(
    name: str,
    operands: tuple[str, ...],
    shaped_like: str | None,
    *partials: Partial,
    statics: dict[str, Any] | None = None,
    view: bool = False,
) -> None:
    """A run-time helper of gradient code, ``runtime.<name>``, as a primitive
    (``view``: it may return its first operand, or a view of it)."""
    register(
        Primitive(
            name,
            _helper_call(getattr(runtime, name)),
            operands,
            dict(statics or {}),
            shaped_like=shaped_like,
            calls=(f"adgen.runtime.{name}",),
            vjp=partials,
            tangent="linear",
            view=view,
        )
    )


REDUCED = {"axis": None, "keepdims": False}
LIKE = ("g", "like")
_helper(
    "unbroadcast",
    LIKE,
    "like",
    lambda g, ans, a, like, ctx: runtime.broadcast_like(g, a),
    None,
    view=True,
)
_helper(
    "broadcast_like",
    LIKE,
    "like",
    lambda g, ans, a, like, ctx: runtime.unbroadcast(g, a),
    None,
    view=True,
)


def _extremum_adjoint(g: E, ans: E, a: E, x: E, m: E, ctx: RuleContext) -> E:
    ones = runtime.extremum_adjoint(np.ones_like(a), x, m, ctx.axis, ctx.keepdims)
    return summed(g * ones, ctx.axis, ctx.keepdims)


_helper(
    "extremum_adjoint",
    ("g", "x", "ans"),
    "x",
    _extremum_adjoint,
    None,
    None,
    statics=REDUCED,
)
TRACE_AXES = {"offset": 0, "axis1": 0, "axis2": 1}


def nondefault(params: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The parameters that differ from their defaults, to spell as keywords."""
    return {k: v for k, v in params.items() if k in defaults and v != defaults[k]}


register(
    Primitive(
        "trace_adjoint",
        lambda g, x, **axes: runtime.trace_adjoint(
            g, x, **nondefault(axes, TRACE_AXES)
        ),
        ("g", "x"),
        dict(TRACE_AXES),
        shaped_like="x",
        calls=("adgen.runtime.trace_adjoint",),
        vjp=(
            lambda g, ans, a, x, ctx: np.trace(g, **nondefault(ctx.params, TRACE_AXES)),
            None,
        ),
        tangent="linear",
    )
)
# x_bar = A(a, y) is bilinear: <g, A(a, y)> = <a, g @ y>, so a's adjoint is g @ y
# and y's is the y-adjoint of the product g @ y (and symmetrically for y_bar).
_helper(
    "matmul_adjoint_x",
    ("g", "x", "y"),
    "x",
    lambda g, ans, a, x, y, ctx: g @ y,
    None,
    lambda g, ans, a, x, y, ctx: runtime.matmul_adjoint_y(a, g, y),
)
_helper(
    "matmul_adjoint_y",
    ("g", "x", "y"),
    "y",
    lambda g, ans, a, x, y, ctx: x @ g,
    lambda g, ans, a, x, y, ctx: runtime.matmul_adjoint_x(a, x, g),
    None,
)
_helper(
    "dot_adjoint_x",
    ("g", "x", "y"),
    "x",
    lambda g, ans, a, x, y, ctx: np.dot(g, y),
    None,
    lambda g, ans, a, x, y, ctx: runtime.dot_adjoint_y(a, g, y),
)
_helper(
    "dot_adjoint_y",
    ("g", "x", "y"),
    "y",
    lambda g, ans, a, x, y, ctx: np.dot(x, g),
    lambda g, ans, a, x, y, ctx: runtime.dot_adjoint_x(a, x, g),
    None,
)
# unreduce spreads a over the axes a reduction removed (logsumexp's rule, where
# x's rank is unknown); sum_like sums them back: each is the other's adjoint.
_helper(
    "unreduce",
    ("g", "x"),
    None,  # a scalar g stays a scalar: no shape to promise
    lambda g, ans, a, x, ctx: runtime.sum_like(g, a, ctx.axis, ctx.keepdims),
    None,
    statics=REDUCED,
)
_helper(
    "sum_like",
    ("t", "like"),
    "like",
    lambda g, ans, t, like, ctx: runtime.unreduce(g, t, ctx.axis, ctx.keepdims),
    None,
    statics=REDUCED,
)
register(
    Primitive(
        "index_adjoint",
        lambda g, x, index: runtime.index_adjoint(g, x, np.s_.expr()[index]),
        ("g", "x"),
        {"index": None},
        shaped_like="x",
        calls=("adgen.runtime.index_adjoint",),
        vjp=(lambda g, ans, a, x, ctx: g[ctx.index], None),
        tangent="linear",
    )
)
_helper(
    "reshape_like",
    LIKE,
    "like",
    lambda g, ans, a, like, ctx: runtime.reshape_like(g, a),
    None,
    view=True,
)
# The adjoints of the rearrangements in reshaping.py: each is linear in ``a``, and
# its adjoint is the rearrangement itself.
_helper(
    "diagonal_adjoint",
    ("g", "x"),
    "x",
    lambda g, ans, a, x, ctx: np.diagonal(g, ctx.offset, ctx.axis1, ctx.axis2),
    None,
    statics={"offset": 0, "axis1": 0, "axis2": 1},
)
_helper(
    "diag_adjoint",
    ("g", "x"),
    "x",
    lambda g, ans, a, x, ctx: np.diag(g, ctx.k),
    None,
    statics={"k": 0},
)
_helper(
    "repeat_adjoint",
    ("g", "x"),
    "x",
    lambda g, ans, a, x, ctx: np.repeat(g, ctx.repeats, ctx.axis),
    None,
    statics={"repeats": None, "axis": None},
)
_helper(
    "tile_adjoint",
    ("g", "x"),
    "x",
    lambda g, ans, a, x, ctx: np.tile(g, ctx.reps),
    None,
    statics={"reps": None},
)
_helper(
    "unpad",
    ("g",),
    None,
    lambda g, ans, a, ctx: np.pad(g, ctx.pad_width),
    statics={"pad_width": None},
)
# -b_bar x^T is bilinear: <a, -b_bar x^T> = -<a x, b_bar> = -<a^T b_bar, x>
_helper(
    "solve_adjoint_a",
    ("b_bar", "x"),
    None,
    lambda g, ans, b_bar, x, ctx: -(g @ x),
    lambda g, ans, b_bar, x, ctx: -(np.swapaxes(g, -1, -2) @ b_bar),
)
# Bilinear in (a, the other operand): <A, T_a(g, b)> = <tensordot(A, b), g>, so
# g's adjoint is tensordot itself and b's the b-adjoint of tensordot(A, b).
_helper(
    "tensordot_adjoint_a",
    ("g", "x", "y"),
    "x",
    lambda g, ans, a, x, y, ctx: np.tensordot(g, y, ctx.axes),
    None,
    lambda g, ans, a, x, y, ctx: runtime.tensordot_adjoint_b(a, g, y, ctx.axes),
    statics={"axes": 2},
)
_helper(
    "tensordot_adjoint_b",
    ("g", "x", "y"),
    "y",
    lambda g, ans, a, x, y, ctx: np.tensordot(x, g, ctx.axes),
    lambda g, ans, a, x, y, ctx: runtime.tensordot_adjoint_a(a, x, g, ctx.axes),
    None,
    statics={"axes": 2},
)
# Bilinear as the tensordot adjoints: g's adjoint is kron itself.
_helper(
    "kron_adjoint_a",
    ("g", "x", "y"),
    "x",
    lambda g, ans, a, x, y, ctx: np.kron(g, y),
    None,
    lambda g, ans, a, x, y, ctx: runtime.kron_adjoint_b(a, g, y),
)
_helper(
    "kron_adjoint_b",
    ("g", "x", "y"),
    "y",
    lambda g, ans, a, x, y, ctx: np.kron(x, g),
    lambda g, ans, a, x, y, ctx: runtime.kron_adjoint_a(a, x, g),
    None,
)
