"""Stacking and splitting: np.vstack (np.row_stack), np.hstack, np.column_stack,
np.dstack, np.r_[...] and np.c_[...], np.concatenate and np.stack of an array,
and the parts of np.split, np.array_split, np.hsplit, np.vsplit and np.dsplit.

Each is linear: forward mode applies it to the tangents.  A join's operands
are a list of arrays (``np.vstack([a, b])``), or one array numpy reads as the
sequence of its rows (``np.vstack(x)``: the static ``rows``); the adjoint of
an operand is the block of ``g`` it became (``runtime.joined_part``, which
numbers the entries and joins the numbers, so it follows numpy's own rules
for each function).  A split returns a list; normalize/sequences.py lowers it
to one node per part (``np.split(x, 3)[1]``), whose adjoint puts ``g`` into
zeros of ``x``'s shape at that part's place (``runtime.split_adjoint``).
"""

from __future__ import annotations

from typing import Any

from ..expr import E
from .record import Primitive, RuleContext, np, register, runtime
from .shape_ops import list_of

# numpy's spelling -> the record (np.row_stack is np.vstack, deprecated in numpy 2)
JOINS = {
    "numpy.vstack": "vstack",
    "numpy.row_stack": "vstack",
    "numpy.hstack": "hstack",
    "numpy.column_stack": "column_stack",
    "numpy.dstack": "dstack",
}
INDEX_TRICKS = {"numpy.r_": "r_", "numpy.c_": "c_"}
SPLITS = ("split", "array_split", "hsplit", "vsplit", "dsplit")
AXIS_FREE_SPLITS = ("hsplit", "vsplit", "dsplit")  # their axis is their name's


def _sequence(xs: tuple[E, ...], rows: bool) -> E:
    """The first argument as written: the list of operands, or the one array."""
    return xs[0] if rows else list_of(xs)


def _join_partial(join: str) -> Any:
    """The adjoint of operand ``i`` of ``np.<join>``: the block of ``g`` it became."""
    axis = () if join not in ("concatenate", "stack") else None

    def partial(g: E, ans: E, i: int, xs: Any, ctx: RuleContext) -> E:
        where = (ctx.axis,) if axis is None and ctx.axis != 0 else ()
        if ctx.rows:
            return runtime.joined_part(g, xs[0], None, join, *where)
        return runtime.joined_part(g, list_of(tuple(xs)), i, join, *where)

    return partial


def _options(axis: Any) -> dict[str, Any]:
    return {} if axis == 0 else {"axis": axis}


def _register_join(
    name: str, forward: Any, calls: tuple[str, ...] = (), join: str | None = None
) -> None:
    """A join ``name`` (``np.<join>`` of the operands, or of one array's rows)."""
    register(
        Primitive(
            name,
            forward,
            ("*",),
            {"rows": False, "axis": 0},
            calls=calls,
            vjp=(_join_partial(join or name),),
            tangent="linear",
            array_api=None,  # the standard has concat and stack only
        )
    )


for _join in ("vstack", "hstack", "column_stack", "dstack"):
    _register_join(
        _join,
        lambda *xs, rows, axis, _join=_join: getattr(np, _join)(_sequence(xs, rows)),
        tuple(q for q, j in JOINS.items() if j == _join),
    )
# np.concatenate(x) and np.stack(x) of one array: x's rows joined (of a list:
# shape_ops.py's concatenate and stack)
for _join in ("concatenate", "stack"):
    _register_join(
        f"{_join}_rows",
        lambda x, rows, axis, _join=_join: getattr(np, _join)(x, **_options(axis)),
        join=_join,
    )


def _index_trick(trick: str) -> Any:
    def forward(*xs: E, rows: bool, axis: Any) -> E:
        return getattr(np, trick).expr()[xs if len(xs) != 1 else xs[0]]

    return forward


for _trick in ("r_", "c_"):
    _register_join(_trick, _index_trick(_trick))


def _split_forward(split: str) -> Any:
    def forward(x: E, sections: Any, axis: Any, part: int) -> E:
        where = () if split in AXIS_FREE_SPLITS else (() if axis == 0 else (axis,))
        return getattr(np, split)(x, sections, *where)[part]

    return forward


def _split_partial(split: str) -> Any:
    def partial(g: E, ans: E, x: E, ctx: RuleContext) -> E:
        axis = None if split in AXIS_FREE_SPLITS else ctx.axis
        return runtime.split_adjoint(g, x, split, ctx.sections, axis, ctx.part)

    return partial


for _split in SPLITS:
    register(
        Primitive(
            f"{_split}_part",
            _split_forward(_split),
            statics={"sections": None, "axis": 0, "part": 0},
            vjp=(_split_partial(_split),),
            tangent="linear",
            array_api=None,  # the standard has no split
        )
    )


# The gradient code of a part, read back for second derivatives (higher.py): linear
# in ``g``, whose adjoint is that part of the adjoint flowing back.
register(
    Primitive(
        "split_adjoint",
        lambda g, x, **params: runtime.split_adjoint(g, x, *params.values()),
        ("g", "x"),
        {"split": "split", "sections": None, "axis": 0, "part": 0},
        shaped_like="x",
        calls=("adgen.runtime.split_adjoint",),
        vjp=(
            lambda g, ans, a, x, ctx: _split_forward(ctx.split)(
                g, ctx.sections, ctx.axis, ctx.part
            ),
            None,
        ),
        tangent="linear",
        array_api=None,
    )
)
