"""Elementwise primitives: arithmetic, comparisons, and numpy's functions of one array.

Their partials are written as if the operands had the output's shape; the
reverse pass reduces each contribution back to its operand's shape
(unbroadcasting) where shapes can differ, so no rule can forget it.  Forward
mode reads each partial with ``g`` replaced by the operand's tangent.

Conventions at kinks (documented in the README): the derivative of
``maximum(x, y)`` goes to the larger operand, split at a tie between two
active operands and given to neither when the other is constant, so
relu'(0) = 0 however relu is written; d|x|/dx at 0 is 0; ``clip`` passes the
gradient on its closed interval [lo, hi], like PyTorch's ``clamp``; d x**y /
dx is 0 where y == 0, at x == 0 too, and d x**y / dy at x == 0 is log(1) x**y,
as autograd has them.

Adding a numpy function of one array is one ``numpy_unary`` record here.
"""

from __future__ import annotations

import ast
import math as math_module

from ..expr import E
from ..simplify import number
from .record import (
    Forward,
    Partial,
    Primitive,
    RuleContext,
    call,
    math,
    np,
    numpy_unary,
    register,
    runtime,
    scipy_special,
)

BINARY = ("x", "y")


def _binary(
    name: str, forward: Forward, *partials: Partial, calls: tuple[str, ...] = ()
) -> None:
    """An elementwise primitive of two arrays, differentiable in each."""
    register(
        Primitive(name, forward, BINARY, elementwise=True, calls=calls, vjp=partials)
    )


# --- arithmetic -------------------------------------------------------------
_binary(
    "add",
    lambda x, y: x + y,
    lambda g, ans, x, y, ctx: g,
    lambda g, ans, x, y, ctx: g,
    calls=("numpy.add", "operator.add"),
)
_binary(
    "sub",
    lambda x, y: x - y,
    lambda g, ans, x, y, ctx: g,
    lambda g, ans, x, y, ctx: -g,
    calls=("numpy.subtract", "operator.sub"),
)
_binary(
    "mul",
    lambda x, y: x * y,
    lambda g, ans, x, y, ctx: g * y,
    lambda g, ans, x, y, ctx: g * x,
    calls=("numpy.multiply", "operator.mul"),
)
_binary(
    "div",
    lambda x, y: x / y,
    lambda g, ans, x, y, ctx: g / y,
    lambda g, ans, x, y, ctx: -g * x / y**2,
    calls=("numpy.divide", "numpy.true_divide", "operator.truediv"),
)


def _positive_number(x: E) -> float | None:
    """The value of a positive numeric literal, else None."""
    node = x.node
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value if node.value > 0 else None
    return None


def _pow_exponent(g: E, ans: E, x: E, y: E, ctx: RuleContext) -> E:
    """d x**y / dy = x**y log x.  A constant base's log is a Python float
    (``math.log(2.0)``, like exp2's rule), which keeps float32: numpy's log of
    the Python float would be a float64 numpy scalar."""
    base = _positive_number(x)
    if base is not None:
        return g * ans * math.log(base)
    return g * ans * np.log(np.where(x.eq(0), 1.0, x))  # 0 ** y: 0 for y >= 0


def _pow_base(g: E, ans: E, x: E, y: E, ctx: RuleContext) -> E | None:
    """d x**y / dx = y x**(y-1), which is 0 where y == 0, at x == 0 too: written
    plainly, 0 * 0**-1 would be nan there (polynomial features ``x ** i``, i = 0).

    * a literal exponent is folded by the simplifier (``x ** 2`` -> ``2 * x``);
      a literal 0 gives no contribution at all;
    * an exponent that is data, not differentiated: ``x ** (y - 1 + (y == 0))``,
      exponent 1 where y == 0 (autograd's ``x ** where(y, y - 1, 1)``); a scalar
      ``y`` stays a Python number, which keeps float32 and costs no array pass;
    * a differentiated exponent: the base is 1 where x == y == 0 instead, so the
      expression's own derivative in y is still x**(y-1) (1 + y log x) at y == 0,
      x != 0 (second derivatives read this code back), and an array base keeps
      its dtype whatever the exponent's."""
    exponent = number(y.node)
    if exponent == 0:
        return None
    if exponent is not None:
        return g * (y * x ** (y - 1))
    if ctx.active[1]:
        return g * (y * (x + x.eq(0) * y.eq(0)) ** (y - 1))
    return g * (y * x ** (y - 1 + y.eq(0)))


_binary(
    "pow",
    lambda x, y: x**y,
    _pow_base,
    _pow_exponent,
    calls=("numpy.power", "math.pow", "operator.pow"),
)
_binary(
    "mod",
    lambda x, y: x % y,
    lambda g, ans, x, y, ctx: g,
    lambda g, ans, x, y, ctx: -g * np.floor(x / y),
    calls=("numpy.mod", "numpy.remainder", "operator.mod"),
)
register(
    Primitive(
        "neg",
        lambda x: -x,
        elementwise=True,
        calls=("numpy.negative", "operator.neg"),
        vjp=(lambda g, ans, x, ctx: -g,),
    )
)
# y = x: a merge at the end of a branch, a loop's carried variable (see ir.py)
register(
    Primitive(
        "copy",
        lambda x: x,
        elementwise=True,
        float_result=False,
        vjp=(lambda g, ans, x, ctx: g,),
    )
)


def wins(g: E, beats: E, tie: E, active: tuple[bool, ...]) -> E:
    """The gradient of max/min goes to the operand that wins. At a tie it is split
    between two active operands, and given to neither when the other is a constant
    or data: so relu'(0) = d max(z, 0)/dz at 0 = 0, and d max(x, x)/dx = 1."""
    return (
        g * beats + 0.5 * g * tie if all(active) else g * beats
    )  # g first: keeps float32


_binary(
    "maximum",
    call(np.maximum),
    lambda g, ans, x, y, ctx: wins(g, x.gt(y), x.eq(y), ctx.active),
    lambda g, ans, x, y, ctx: wins(g, y.gt(x), x.eq(y), ctx.active),
    calls=("numpy.maximum", "builtins.max"),
)
_binary(
    "minimum",
    call(np.minimum),
    lambda g, ans, x, y, ctx: wins(g, x.lt(y), x.eq(y), ctx.active),
    lambda g, ans, x, y, ctx: wins(g, y.lt(x), x.eq(y), ctx.active),
    calls=("numpy.minimum", "builtins.min"),
)

# --- values that carry no derivative: masks and rounding ---------------------
for _cmp in ("gt", "lt", "ge", "le", "eq", "ne"):
    register(
        Primitive(
            _cmp,
            lambda x, y, _c=_cmp: getattr(x, _c)(y),
            BINARY,
            elementwise=True,
            float_result=False,  # a bool mask
        )
    )
register(Primitive("floordiv", lambda x, y: x // y, BINARY, elementwise=True))


NAN_TO_NUM = {"copy": True, "nan": 0.0, "posinf": None, "neginf": None}


def _step(name: str, math_name: str | None = None, also: tuple[str, ...] = ()) -> None:
    """A piecewise-constant function of one array: its derivative is 0 wherever it
    exists, so it has no rule and its value is data (``x - np.floor(x)``
    differentiates to 1).  ``math.floor`` is the same record and keeps Python's
    semantics: an int."""
    math_call = (f"math.{math_name}",) if math_name else ()
    register(
        Primitive(
            name,
            call(getattr(np, name)),
            elementwise=True,
            calls=(f"numpy.{name}", *math_call, *also),
            math=math_name,
        )
    )


_step("sign")
_step("floor", "floor")
_step("ceil", "ceil")
_step("trunc", "trunc")
_step("rint")
_step("fix")
register(  # np.round(x, decimals): decimals is static
    Primitive(
        "round",
        lambda x, decimals=0: np.round(x, decimals) if decimals else np.round(x),
        statics={"decimals": 0},
        elementwise=True,
        calls=("numpy.round", "numpy.around"),
        methods=("round",),
    )
)

for _test in ("isfinite", "isnan", "isinf"):  # boolean masks: no derivative
    register(
        Primitive(
            _test,
            call(getattr(np, _test)),
            elementwise=True,
            calls=(f"numpy.{_test}",),
            float_result=False,
        )
    )
register(  # finite entries are kept (derivative 1); nan and infinities replaced
    Primitive(
        "nan_to_num",
        lambda x, **params: np.nan_to_num(
            x, **{k: v for k, v in params.items() if v != NAN_TO_NUM[k]}
        ),
        statics=NAN_TO_NUM,
        elementwise=True,
        calls=("numpy.nan_to_num",),
        vjp=(lambda g, ans, x, ctx: g * np.isfinite(x),),
        array_api=None,  # not in the standard
    )
)

_binary(
    "fmax",
    call(np.fmax),
    lambda g, ans, x, y, ctx: wins(g, x.gt(y), x.eq(y), ctx.active),
    lambda g, ans, x, y, ctx: wins(g, y.gt(x), x.eq(y), ctx.active),
    calls=("numpy.fmax",),
)
_binary(
    "fmin",
    call(np.fmin),
    lambda g, ans, x, y, ctx: wins(g, x.lt(y), x.eq(y), ctx.active),
    lambda g, ans, x, y, ctx: wins(g, y.lt(x), x.eq(y), ctx.active),
    calls=("numpy.fmin",),
)
# log(e^x + e^y): each operand's share of the sum
_binary(
    "logaddexp",
    call(np.logaddexp),
    lambda g, ans, x, y, ctx: g * np.exp(x - ans),
    lambda g, ans, x, y, ctx: g * np.exp(y - ans),
    calls=("numpy.logaddexp",),
)
_binary(
    "logaddexp2",
    call(np.logaddexp2),
    lambda g, ans, x, y, ctx: g * np.exp2(x - ans),
    lambda g, ans, x, y, ctx: g * np.exp2(y - ans),
    calls=("numpy.logaddexp2",),
)


def _math_binary(
    name: str, math_name: str, *partials: Partial, also: tuple[str, ...] = ()
) -> None:
    """An elementwise numpy function of two arrays that math also has."""
    register(
        Primitive(
            name,
            call(getattr(np, name)),
            BINARY,
            elementwise=True,
            calls=(f"numpy.{name}", f"math.{math_name}", *also),
            math=math_name,
            vjp=partials,
        )
    )


# hypot(0, 0) has no derivative: 0/0 = nan there, as in autograd (kinks.md)
_math_binary(
    "hypot",
    "hypot",
    lambda g, ans, x, y, ctx: g * x / ans,
    lambda g, ans, x, y, ctx: g * y / ans,
)
_math_binary(
    "arctan2",
    "atan2",
    lambda g, ans, x, y, ctx: g * y / (x**2 + y**2),
    lambda g, ans, x, y, ctx: -g * x / (x**2 + y**2),
)


def _sinc_slope(ans: E, x: E) -> E:
    """d sinc(x)/dx = (cos(pi x) - sinc(x)) / x, and 0 at x = 0 (sinc is even); the
    second term at 0, -pi**2/3 * x, is 0 there but gives the second derivative
    sinc''(0) = -pi**2/3 when adgen differentiates this code again."""
    at_zero = x.eq(0)
    away = (np.cos(math_module.pi * x) - ans) / np.where(at_zero, 1.0, x)
    return np.where(at_zero, (-(math_module.pi**2) / 3) * x, away)


# --- numpy's functions of one array ----------------------------------------
# ``math_name``: the math module's name of the same function; a math.* call is
# written with math in the forward pass (fast on Python floats).  The partials
# that call a function read ``ctx.lib``, ``math`` for that spelling, else ``np``.
numpy_unary("sin", lambda g, ans, x, ctx: g * ctx.lib.cos(x), "sin")
numpy_unary("cos", lambda g, ans, x, ctx: -g * ctx.lib.sin(x), "cos")
numpy_unary("tan", lambda g, ans, x, ctx: g * (1 + ans**2), "tan")
# (np.sqrt even for math.asin: at x = ±1, g / math.sqrt(0.0) would raise, not give inf.)
numpy_unary(
    "arcsin", lambda g, ans, x, ctx: g / np.sqrt(1 - x**2), "asin", array_api="asin"
)
numpy_unary(
    "arccos", lambda g, ans, x, ctx: -g / np.sqrt(1 - x**2), "acos", array_api="acos"
)
numpy_unary("arctan", lambda g, ans, x, ctx: g / (1 + x**2), "atan", array_api="atan")
numpy_unary("sinh", lambda g, ans, x, ctx: g * ctx.lib.cosh(x), "sinh")
numpy_unary("cosh", lambda g, ans, x, ctx: g * ctx.lib.sinh(x), "cosh")
numpy_unary("tanh", lambda g, ans, x, ctx: g * (1 - ans**2), "tanh")
numpy_unary(
    "arcsinh",
    lambda g, ans, x, ctx: g / ctx.lib.sqrt(x**2 + 1),
    "asinh",
    array_api="asinh",
)
# np.sqrt for math.acosh too: at x = 1, g / math.sqrt(0.0) would raise, not give inf
numpy_unary("arccosh", lambda g, ans, x, ctx: g / np.sqrt(x**2 - 1), "acosh")
numpy_unary("arctanh", lambda g, ans, x, ctx: g / (1 - x**2), "atanh")
# a Python float factor keeps float32 (and a math.degrees float a float)
_DEGREES_PER_RADIAN = 180 / math_module.pi
numpy_unary(
    "deg2rad",
    lambda g, ans, x, ctx: g / _DEGREES_PER_RADIAN,
    "radians",
    also=("numpy.radians",),
)
numpy_unary(
    "rad2deg",
    lambda g, ans, x, ctx: g * _DEGREES_PER_RADIAN,
    "degrees",
    also=("numpy.degrees",),
)
numpy_unary("cbrt", lambda g, ans, x, ctx: g / (3 * ans**2))
numpy_unary("sinc", lambda g, ans, x, ctx: g * _sinc_slope(ans, x))
numpy_unary("exp", lambda g, ans, x, ctx: g * ans, "exp")
# math.log(2): a Python float keeps float32
numpy_unary("exp2", lambda g, ans, x, ctx: g * ans * math.log(2))
numpy_unary("expm1", lambda g, ans, x, ctx: g * (ans + 1), "expm1")
numpy_unary("log", lambda g, ans, x, ctx: g / x, "log")
numpy_unary("log2", lambda g, ans, x, ctx: g / (x * math.log(2)), "log2")
numpy_unary("log10", lambda g, ans, x, ctx: g / (x * math.log(10)), "log10")
numpy_unary("log1p", lambda g, ans, x, ctx: g / (1 + x), "log1p")
numpy_unary("sqrt", lambda g, ans, x, ctx: g / (2 * ans), "sqrt")
numpy_unary("reciprocal", lambda g, ans, x, ctx: -g * ans**2)
numpy_unary("square", lambda g, ans, x, ctx: g * (2 * x))
numpy_unary(
    "abs",
    lambda g, ans, x, ctx: g * np.sign(x),
    "fabs",
    also=("numpy.absolute", "numpy.fabs", "builtins.abs"),
)
register(
    Primitive(
        "expit",
        call(scipy_special.expit),
        elementwise=True,
        calls=("scipy.special.expit",),
        vjp=(lambda g, ans, x, ctx: g * ans * (1 - ans),),
    )
)

# --- selection ------------------------------------------------------------
register(
    Primitive(
        "where",
        call(np.where),
        ("c", "x", "y"),
        elementwise=True,
        float_result=False,  # the condition carries neither shape nor dtype
        calls=("numpy.where",),
        vjp=(
            None,
            lambda g, ans, c, x, y, ctx: np.where(c, g, 0.0),
            lambda g, ans, c, x, y, ctx: np.where(c, 0.0, g),
        ),
    )
)
register(
    Primitive(
        "clip",
        call(np.clip),
        ("a", "a_min", "a_max"),  # numpy's names: np.clip(x, a_min=0.0, a_max=1.0)
        elementwise=True,
        # np.clip(x, 0, None)
        none_means={"a_min": -math_module.inf, "a_max": math_module.inf},
        calls=("numpy.clip",),
        vjp=(
            # no `&`: adgen reads it back
            lambda g, ans, x, lo, hi, ctx: g * x.ge(lo) * x.le(hi),
            lambda g, ans, x, lo, hi, ctx: g * x.lt(lo),
            lambda g, ans, x, lo, hi, ctx: g * x.gt(hi),
        ),
    )
)


# np.select(conditions, choices, default): each entry from the choice of the
# first true condition (else default).  Operands: the n conditions, the n
# choices, the default; a choice's partial is g where it was chosen.
def _select(*xs: E, n: int) -> E:
    return np.select(list(xs[:n]), list(xs[n : 2 * n]), xs[2 * n])


def _chosen(k: int, xs: tuple[E, ...], n: int) -> E:
    """1.0 where operand ``k`` (a choice, or the default) was chosen, else 0.0."""
    picks = [1.0 if n + j == k else 0.0 for j in range(n)]
    return _select(*xs[:n], *picks, 1.0 if k == 2 * n else 0.0, n=n)


def _select_partial(
    g: E, ans: E, i: int, xs: tuple[E, ...], ctx: RuleContext
) -> E | None:
    if i < ctx.n:  # a condition: no derivative
        return None
    return runtime.unbroadcast(g * _chosen(i, xs, ctx.n), xs[i])


register(
    Primitive(
        "select",
        _select,
        ("*",),
        {"n": None},
        calls=("numpy.select",),
        vjp=(_select_partial,),
        tangent="jvp",
        jvp=(
            lambda t, ans, i, xs, ctx: (
                None if i < ctx.n else t * _chosen(i, xs, ctx.n)
            ),
        ),
        array_api=None,  # not in the standard
    )
)
