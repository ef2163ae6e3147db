"""Rearranging arrays: flips, rolls, rotations, axis moves, flattening, broadcasting,
triangles and diagonals, repeats, tiles and padding (autograd's coverage).

Each is linear in its array: forward mode applies it to the tangent, and its
adjoint is the rearrangement undone (a flip is its own adjoint; a roll by
``shift``'s adjoint rolls by ``-shift``).  np.pad with a nonzero fill is affine,
not linear: its tangent pads with zeros (``tangent="jvp"``).  Where the adjoint
needs the operand's shape at run time, it is ``np.reshape(g, np.shape(x))`` or
a run-time helper (runtime.py) that is itself a primitive with a rule
(gradient_code.py), so second derivatives read it back.
"""

from __future__ import annotations

from typing import Any

from ..expr import E
from .record import Primitive, RuleContext, np, register, runtime


def _options(**params: Any) -> dict[str, Any]:
    """The keyword arguments that are not None: np.flip(x) rather than axis=None."""
    return {k: v for k, v in params.items() if v is not None}


def _linear(name: str, forward: Any, adjoint: Any, **facts: Any) -> None:
    """A linear rearrangement ``numpy.<name>`` with its adjoint ``adjoint(g, x, ctx)``."""
    register(
        Primitive(
            name,
            forward,
            calls=(f"numpy.{name}", *facts.pop("calls", ())),
            vjp=(lambda g, ans, x, ctx: adjoint(g, x, ctx),),
            tangent="linear",
            **facts,
        )
    )


def _rot90_options(k: int, axes: Any) -> dict[str, Any]:
    """np.rot90's arguments that differ from its defaults (k=1, axes=(0, 1))."""
    options: dict[str, Any] = {"k": k} if k != 1 else {}
    return options | ({"axes": tuple(axes)} if tuple(axes) != (0, 1) else {})


def _same_shape_as(g: E, x: E, ctx: RuleContext) -> E:
    return runtime.reshape_like(g, x)


def _negated(shift: Any) -> Any:
    return tuple(-s for s in shift) if isinstance(shift, tuple) else -shift


_linear(
    "flip",
    lambda x, axis=None: np.flip(x, **_options(axis=axis)),
    lambda g, x, ctx: np.flip(g, **_options(axis=ctx.axis)),
    statics={"axis": None},
    view=True,
)
_linear("fliplr", lambda x: np.fliplr(x), lambda g, x, ctx: np.fliplr(g), view=True)
_linear("flipud", lambda x: np.flipud(x), lambda g, x, ctx: np.flipud(g), view=True)
_linear(
    "roll",
    lambda x, shift, axis=None: np.roll(x, shift, **_options(axis=axis)),
    lambda g, x, ctx: np.roll(g, _negated(ctx.shift), **_options(axis=ctx.axis)),
    statics={"shift": None, "axis": None},
)
_linear(
    "swapaxes",
    lambda x, axis1, axis2: np.swapaxes(x, axis1, axis2),
    lambda g, x, ctx: np.swapaxes(g, ctx.axis1, ctx.axis2),
    statics={"axis1": None, "axis2": None},
    methods=("swapaxes",),
    view=True,
)
_linear(
    "moveaxis",
    lambda x, source, destination: np.moveaxis(x, source, destination),
    lambda g, x, ctx: np.moveaxis(g, ctx.destination, ctx.source),
    statics={"source": None, "destination": None},
    view=True,
)


def _rollaxis_adjoint(g: E, x: E, ctx: RuleContext) -> E:
    """np.rollaxis moved ``axis`` to ``start`` (to ``start - 1`` past it): back."""
    moved_to = ctx.start if ctx.start <= ctx.axis or ctx.axis < 0 else ctx.start - 1
    return np.moveaxis(g, moved_to, ctx.axis)


def _rollaxis_axes(params: Any) -> tuple[str, str] | None:
    """Where a negative axis or start leaves the move unknown until the rank is."""
    axis, start = params["axis"], params["start"]
    if not (isinstance(axis, int) and isinstance(start, int)):
        return "np.rollaxis takes integer `axis` and `start` here", "write integers"
    if start < 0 or (axis < 0 and start != 0):
        return (
            "np.rollaxis with a negative `start`, or a negative `axis` and a `start`, "
            "is not supported",
            "write np.moveaxis(x, source, destination): it takes negative axes",
        )
    return None


_linear(
    "rollaxis",
    lambda x, axis, start=0: (
        np.rollaxis(x, axis, start) if start else np.rollaxis(x, axis)
    ),
    _rollaxis_adjoint,
    statics={"axis": None, "start": 0},
    refuse=_rollaxis_axes,
    array_api=None,  # not in the standard (its moveaxis is)
    view=True,
)
_linear(  # a rotation by k quarter turns is undone by -k
    "rot90",
    lambda x, k=1, axes=(0, 1): np.rot90(x, **_rot90_options(k, axes)),
    lambda g, x, ctx: np.rot90(g, **_rot90_options(-ctx.k, ctx.axes)),
    statics={"k": 1, "axes": (0, 1)},
    array_api=None,  # not in the standard
    view=True,
)
_linear(
    "ravel",
    lambda x: np.ravel(x),
    _same_shape_as,
    methods=("ravel", "flatten"),
    view=True,
)
_linear(
    "squeeze",
    lambda x, axis=None: np.squeeze(x, **_options(axis=axis)),
    _same_shape_as,
    statics={"axis": None},
    methods=("squeeze",),
    view=True,
)
for _rank in (1, 2, 3):
    _linear(
        f"atleast_{_rank}d",
        lambda x, _r=_rank: getattr(np, f"atleast_{_r}d")(x),
        _same_shape_as,
        view=True,
    )
_linear(
    "broadcast_to",
    lambda x, shape: np.broadcast_to(x, shape),
    lambda g, x, ctx: runtime.unbroadcast(g, x),
    statics={"shape": None},
    view=True,
)
_linear(
    "triu",
    lambda x, k=0: np.triu(x, k) if k else np.triu(x),
    lambda g, x, ctx: np.triu(g, ctx.k) if ctx.k else np.triu(g),
    statics={"k": 0},
)
_linear(
    "tril",
    lambda x, k=0: np.tril(x, k) if k else np.tril(x),
    lambda g, x, ctx: np.tril(g, ctx.k) if ctx.k else np.tril(g),
    statics={"k": 0},
)


def _diagonal_forward(x: E, offset: int = 0, axis1: int = 0, axis2: int = 1) -> E:
    options = {"offset": offset} if offset else {}
    if (axis1, axis2) != (0, 1):
        options |= {"axis1": axis1, "axis2": axis2}
    return np.diagonal(x, **options)


_linear(
    "diagonal",
    _diagonal_forward,
    lambda g, x, ctx: runtime.diagonal_adjoint(g, x, ctx.offset, ctx.axis1, ctx.axis2),
    statics={"offset": 0, "axis1": 0, "axis2": 1},
    methods=("diagonal",),
    view=True,
)


def _diag_adjoint(g: E, x: E, ctx: RuleContext) -> E:
    """np.diag builds a matrix from a vector (whose adjoint takes the diagonal back)
    and takes a matrix's diagonal (whose adjoint puts it back, into x's shape)."""
    if ctx.ndims == (1,):
        return np.diag(g, ctx.k) if ctx.k else np.diag(g)
    return runtime.diag_adjoint(g, x, ctx.k)


_linear(
    "diag",
    lambda x, k=0: np.diag(x, k) if k else np.diag(x),
    _diag_adjoint,
    statics={"k": 0},
)
_linear(
    "repeat",
    lambda x, repeats, axis=None: np.repeat(x, repeats, **_options(axis=axis)),
    lambda g, x, ctx: runtime.repeat_adjoint(g, x, ctx.repeats, ctx.axis),
    statics={"repeats": None, "axis": None},
    methods=("repeat",),
)
_linear(
    "tile",
    lambda x, reps: np.tile(x, reps),
    lambda g, x, ctx: runtime.tile_adjoint(g, x, ctx.reps),
    statics={"reps": None},
)


def _pad_forward(x: E, pad_width: Any, mode: str = "constant", **fill: Any) -> E:
    values = fill.get("constant_values", 0)
    return (
        np.pad(x, pad_width, constant_values=values) if values else np.pad(x, pad_width)
    )


def _constant_mode(params: Any) -> tuple[str, str] | None:
    if params.get("mode", "constant") != "constant":
        return (
            f"np.pad's mode={params['mode']!r} is not supported",
            "use mode='constant' (the default)",
        )
    return None


register(
    Primitive(
        "pad",
        _pad_forward,
        statics={"pad_width": None, "mode": "constant", "constant_values": 0},
        calls=("numpy.pad",),
        vjp=(lambda g, ans, x, ctx: runtime.unpad(g, ctx.pad_width),),
        # a nonzero fill is a constant: the tangent pads with zeros
        tangent="jvp",
        jvp=(lambda t, ans, x, ctx: np.pad(t, ctx.pad_width),),
        refuse=_constant_mode,
    )
)
