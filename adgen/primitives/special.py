"""scipy.special's functions: erf, erfc, gammaln, digamma, polygamma, logit,
softmax and log_softmax (expit and logsumexp are with their families).

The constants of the rules are Python floats (2 / sqrt(pi)), which keep
float32.  softmax's Jacobian is symmetric, so its VJP partial read with the
tangent in place of ``g`` is its tangent; log_softmax's is not: it has its own
(``tangent="jvp"``).
"""

from __future__ import annotations

import math as math_module
from typing import Any

from ..expr import E
from .record import Primitive, RuleContext, call, np, register, scipy_special
from .reductions import summed

TWO_OVER_SQRT_PI = 2 / math_module.sqrt(math_module.pi)


def _special(name: str, *partials: Any, operands: tuple[str, ...] = ("x",)) -> None:
    """An elementwise function ``scipy.special.<name>``."""
    register(
        Primitive(
            name,
            call(getattr(scipy_special, name)),
            operands,
            elementwise=True,
            calls=(f"scipy.special.{name}",),
            vjp=partials,
        )
    )


_special("erf", lambda g, ans, x, ctx: g * TWO_OVER_SQRT_PI * np.exp(-(x**2)))
_special("erfc", lambda g, ans, x, ctx: -g * TWO_OVER_SQRT_PI * np.exp(-(x**2)))
_special("gammaln", lambda g, ans, x, ctx: g * scipy_special.digamma(x))
_special("digamma", lambda g, ans, x, ctx: g * scipy_special.polygamma(1, x))
# polygamma(n, x): the order n is an integer, not differentiated
_special(
    "polygamma",
    None,
    lambda g, ans, n, x, ctx: g * scipy_special.polygamma(n + 1, x),
    operands=("n", "x"),
)
_special("logit", lambda g, ans, x, ctx: g / (x * (1 - x)))


def _along(fn: Any) -> Any:
    """``scipy.special.softmax(x, axis=...)``, the axis spelled only when given."""
    return lambda x, axis=None: fn(x, axis=axis) if axis is not None else fn(x)


def _softmax(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """ans * (g - <g, ans>) over the axis: symmetric in g, so also the tangent."""
    return ans * (g - summed(g * ans, ctx.axis, True))


def _log_softmax(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """g - softmax * Σ g over the axis (softmax = exp(ans))."""
    return g - np.exp(ans) * summed(g, ctx.axis, True)


def _log_softmax_tangent(t: E, ans: E, x: E, ctx: RuleContext) -> E:
    """t - Σ softmax * t over the axis."""
    return t - summed(np.exp(ans) * t, ctx.axis, True)


register(
    Primitive(
        "softmax",
        _along(scipy_special.softmax),
        statics={"axis": None},
        shaped_like="x",
        calls=("scipy.special.softmax",),
        vjp=(_softmax,),
    )
)
register(
    Primitive(
        "log_softmax",
        _along(scipy_special.log_softmax),
        statics={"axis": None},
        shaped_like="x",
        calls=("scipy.special.log_softmax",),
        vjp=(_log_softmax,),
        tangent="jvp",
        jvp=(_log_softmax_tangent,),
    )
)
