"""Reductions: sum, mean, max, min, logsumexp (and any/all, for conditions).

Forward mode reads sum and mean as linear; max, min and logsumexp as
reductions: the partial seeded with ones, contracted with the tangent over the
reduced axes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..expr import E
from .record import Forward, Primitive, RuleContext, np, register, runtime

REDUCED = {"axis": None, "keepdims": False}


def _reduction(fn: Callable[..., E]) -> Forward:
    def forward(x: E, axis: Any = None, keepdims: bool = False) -> E:
        kwargs: dict[str, Any] = {}
        if axis is not None:
            kwargs["axis"] = axis
        if keepdims:
            kwargs["keepdims"] = True
        return fn(x, **kwargs)

    return forward


def kept(g: E, axis: Any, keepdims: bool) -> E:
    """``g`` with the reduced axes put back as size-1 axes, so it broadcasts against ``x``."""
    return g if axis is None or keepdims else np.expand_dims(g, axis)


def summed(value: E, axis: Any, keepdims: bool) -> E:
    """``np.sum(value, axis, keepdims)``, spelling only what differs from the defaults."""
    options: dict[str, Any] = {} if axis is None else {"axis": axis}
    return np.sum(value, **options, **({"keepdims": True} if keepdims else {}))


def _numpy_reduction(name: str, **facts: Any) -> None:
    register(
        Primitive(
            name,
            _reduction(getattr(np, name)),
            statics=dict(REDUCED),
            calls=(f"numpy.{name}", *facts.pop("calls", ())),
            methods=(name,),
            **facts,
        )
    )


def _mean(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    spread = (
        g / np.size(x)
        if ctx.axis is None
        else kept(g, ctx.axis, ctx.keepdims) * (np.size(ans) / np.size(x))
    )
    return np.full_like(x, spread)


def _extremum(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    return runtime.extremum_adjoint(g, x, ans, ctx.axis, ctx.keepdims)


_numpy_reduction(
    "sum",
    vjp=(lambda g, ans, x, ctx: np.full_like(x, kept(g, ctx.axis, ctx.keepdims)),),
    tangent="linear",
    shape_only=True,
)
_numpy_reduction("mean", vjp=(_mean,), tangent="linear", shape_only=True)
_numpy_reduction("max", calls=("numpy.amax",), vjp=(_extremum,), tangent="reduction")
_numpy_reduction("min", calls=("numpy.amin",), vjp=(_extremum,), tangent="reduction")
_numpy_reduction("any")  # for conditions: no derivative
_numpy_reduction("all")


def _logsumexp(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """g times softmax(x), g and ans spread back over the reduced axes.  Where x's
    rank is unknown, ans may be a scalar and g the Python-float seed, which
    np.expand_dims would make a float64 array: runtime.unreduce spreads it safely."""
    axis, keepdims = ctx.axis, ctx.keepdims
    (rank,) = ctx.ndims
    if axis is None or _reduces_to_scalar(axis, keepdims, rank):
        return g * np.exp(x - ans)  # a scalar: nothing to spread
    softmax = np.exp(x - kept(ans, axis, keepdims))
    if rank is None and not keepdims:
        return runtime.unreduce(g, x, axis, keepdims) * softmax
    return kept(g, axis, keepdims) * softmax


def _reduces_to_scalar(axis: Any, keepdims: bool, rank: int | None) -> bool:
    """Does reducing ``axis`` of an operand of this rank leave a scalar (if known)?"""
    if rank is None or keepdims:
        return False
    axes = axis if isinstance(axis, tuple) else (axis,)
    return len({a % rank for a in axes}) == rank if rank else True


register(
    Primitive(
        "logsumexp",
        _reduction(runtime.logsumexp),  # scipy's semantics, faster: runtime.py
        statics=dict(REDUCED),
        calls=("scipy.special.logsumexp", "adgen.runtime.logsumexp"),
        vjp=(_logsumexp,),
        tangent="reduction",
    )
)


# --- prod, var, std: reductions whose partial reads x ---------------------------
def spread(g: E, x: E, ctx: RuleContext) -> E:
    """``g`` with the reduced axes put back as size-1 axes, so it broadcasts against
    ``x``; where ``x``'s rank is unknown, runtime.unreduce (see _logsumexp)."""
    axis, keepdims = ctx.axis, ctx.keepdims
    if axis is None or keepdims:
        return g
    if ctx.ndims[0] is None:
        return runtime.unreduce(g, x, axis, keepdims)
    return np.expand_dims(g, axis)


def _prod(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """g times the product of the other entries, computed without dividing:
    autograd's ``g * ans / x`` is nan where x has a zero."""
    return spread(g, x, ctx) * runtime.prod_others(x, ctx.axis)


def _centered(x: E, ctx: RuleContext) -> E:
    """x minus its mean over the reduced axes, and the count of the mean less ddof."""
    options = {} if ctx.axis is None else {"axis": ctx.axis}
    return x - np.mean(x, **options, keepdims=True)


def _count(ans: E, x: E, ctx: RuleContext) -> E:
    """The number of entries each value of ``ans`` reduces."""
    return np.size(x) if ctx.axis is None else np.size(x) / np.size(ans)


def _dof(ans: E, x: E, ctx: RuleContext) -> E:
    """The divisor of var: the number of entries reduced, less ddof."""
    count = _count(ans, x, ctx)
    return count - ctx.ddof if ctx.ddof else count


def _var(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    return spread(g, x, ctx) * (2 * _centered(x, ctx) / _dof(ans, x, ctx))


def _std(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """d std = d var / (2 std): nan where std is 0 over several entries (a kink,
    kinks.md), as in autograd; 0 where each std reduces one entry, a constant 0
    (autograd's rule too): there the centered x is exactly 0, and the divisor,
    0 * 1, is made 1."""
    one_entry = _count(ans, x, ctx).eq(1)
    scale = spread(ans, x, ctx) * _dof(ans, x, ctx) + one_entry
    return spread(g, x, ctx) * _centered(x, ctx) / scale


def _statistic(fn: Callable[..., E]) -> Forward:
    """``np.var(x, axis, ddof=1, keepdims=True)``, spelling only what is not a default."""

    def forward(
        x: E, axis: Any = None, ddof: Any = 0, keepdims: bool = False, **unused: Any
    ) -> E:
        options: dict[str, Any] = {} if axis is None else {"axis": axis}
        if ddof:
            options["ddof"] = ddof
        if keepdims:
            options["keepdims"] = True
        return fn(x, **options)

    return forward


def only_defaults(**defaults: Any) -> Any:
    """A refusal of the parameters numpy takes that adgen does not (dtype, out)
    unless they have their default value: listing them keeps positional arguments
    bound as numpy binds them (np.var(x, 0, None, None, 1): ddof=1)."""

    def refuse(params: Any) -> tuple[str, str] | None:
        for key, default in defaults.items():
            if params.get(key, default) != default:
                return f"`{key}=` is not supported here", f"leave `{key}` out"
        return None

    return refuse


_numpy_reduction("prod", calls=("numpy.product",), vjp=(_prod,), tangent="reduction")
for _name, _partial in (("var", _var), ("std", _std)):
    register(
        Primitive(
            _name,
            _statistic(getattr(np, _name)),
            statics={"axis": None, "dtype": None, "out": None, "ddof": 0}
            | {"keepdims": False},
            refuse=only_defaults(dtype=None, out=None),
            calls=(f"numpy.{_name}",),
            methods=(_name,),
            vjp=(_partial,),
            tangent="reduction",
        )
    )
