"""The derivative rule table: one entry per primitive, written like the math.

Each entry gives, for every operand, its contribution to that operand's
adjoint as a function of

    g    the adjoint of the output (the lecture's v̄ of this node),
    ans  the node's own value, and
    the operands themselves, then any static parameters (axis, keepdims, ...).

The arguments are ``E`` expressions (see ``expr.py``) and ``np`` below is a
``Namespace``: ``g * np.cos(x)`` *builds* the code ``n4_bar * np.cos(x1)``.
``None`` marks an operand that receives no gradient (a mask, a condition).

Elementwise rules are written as if the operands had the output's shape; the
reverse pass reduces each contribution back to its operand's shape
(unbroadcasting) where shapes can differ, so no rule can forget it.

Conventions at kinks (documented in the README): the derivative of
``maximum(x, y)`` goes to the larger operand, split at a tie between two
active operands and given to neither when the other is constant, so
relu'(0) = 0 however relu is written; d|x|/dx at 0 is 0; ``clip`` passes the gradient on its closed
interval [lo, hi], like PyTorch's ``clamp``; d x**y / dx is 0 where y == 0, at
x == 0 too, and d x**y / dy at x == 0 is log(1) x**y, as autograd has them.

To add a primitive: a row in ``primitives.py`` and one ``defvjp`` line here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .expr import E, Namespace
from .runtime import GRADIENT_HELPERS
from .simplify import number

np = Namespace("np")  # builds numpy calls in emitted code; not numpy itself
math = Namespace("math")
runtime = (
    Namespace()
)  # bare names of adgen/runtime.py helpers, imported by emitted code

Partial = Callable[..., E | None] | None

RULES: dict[str, tuple[Partial, ...]] = {}


def defvjp(prim: str, *partials: Partial) -> None:
    """Register the adjoint contribution of each operand of ``prim``, in order."""
    RULES[prim] = partials


def defvariadic(prim: str, partial: Callable[..., E]) -> None:
    """A rule for list operands (concatenate, stack): ``partial(g, ans, i, xs, ...)``."""
    RULES[prim] = (partial,)


# --- arithmetic -------------------------------------------------------------
defvjp("add", lambda g, ans, x, y: g, lambda g, ans, x, y: g)
defvjp("sub", lambda g, ans, x, y: g, lambda g, ans, x, y: -g)
defvjp("mul", lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x)
defvjp("div", lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * x / y**2)


def _positive_number(x: E) -> float | None:
    """The value of a positive numeric literal, else None."""
    node = x.node
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value if node.value > 0 else None
    return None


def _pow_exponent(g: E, ans: E, x: E, y: E, active: tuple[bool, ...]) -> E:
    """d x**y / dy = x**y log x.  A constant base's log is a Python float
    (``math.log(2.0)``, like exp2's rule), which keeps float32: numpy's log of
    the Python float would be a float64 numpy scalar."""
    base = _positive_number(x)
    if base is not None:
        return g * ans * math.log(base)
    return g * ans * np.log(np.where(x.eq(0), 1.0, x))  # 0 ** y: 0 for y >= 0


def _pow_base(g: E, ans: E, x: E, y: E, active: tuple[bool, ...]) -> E | None:
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
    if active[1]:
        return g * (y * (x + x.eq(0) * y.eq(0)) ** (y - 1))
    return g * (y * x ** (y - 1 + y.eq(0)))


defvjp("pow", _pow_base, _pow_exponent)
defvjp("mod", lambda g, ans, x, y: g, lambda g, ans, x, y: -g * np.floor(x / y))
defvjp("neg", lambda g, ans, x: -g)
defvjp("copy", lambda g, ans, x: g)


def wins(g: E, beats: E, tie: E, active: tuple[bool, ...]) -> E:
    """The gradient of max/min goes to the operand that wins. At a tie it is split
    between two active operands, and given to neither when the other is a constant
    or data: so relu'(0) = d max(z, 0)/dz at 0 = 0, and d max(x, x)/dx = 1."""
    return (
        g * beats + 0.5 * g * tie if all(active) else g * beats
    )  # g first: keeps float32


defvjp(
    "maximum",
    lambda g, ans, x, y, active: wins(g, x.gt(y), x.eq(y), active),
    lambda g, ans, x, y, active: wins(g, y.gt(x), x.eq(y), active),
)
defvjp(
    "minimum",
    lambda g, ans, x, y, active: wins(g, x.lt(y), x.eq(y), active),
    lambda g, ans, x, y, active: wins(g, y.lt(x), x.eq(y), active),
)

# --- elementwise functions ------------------------------------------------
# The rules that call a function receive ``lib``: ``math`` for the math.* spelling
# of the primitive, else ``np``.  math.sin's rule is g * math.cos(x): the math.*
# functions return Python floats, and np.cos of one would be a float64 numpy
# scalar, which turns a float32 gradient float64.
defvjp("sin", lambda g, ans, x, lib: g * lib.cos(x))
defvjp("cos", lambda g, ans, x, lib: -g * lib.sin(x))
defvjp("tan", lambda g, ans, x: g * (1 + ans**2))
# (np.sqrt even for math.asin: at x = ±1, g / math.sqrt(0.0) would raise, not give inf.)
defvjp("arcsin", lambda g, ans, x: g / np.sqrt(1 - x**2))
defvjp("arccos", lambda g, ans, x: -g / np.sqrt(1 - x**2))
defvjp("arctan", lambda g, ans, x: g / (1 + x**2))
defvjp("sinh", lambda g, ans, x, lib: g * lib.cosh(x))
defvjp("cosh", lambda g, ans, x, lib: g * lib.sinh(x))
defvjp("tanh", lambda g, ans, x: g * (1 - ans**2))
defvjp("exp", lambda g, ans, x: g * ans)
defvjp(
    "exp2", lambda g, ans, x: g * ans * math.log(2)
)  # math: a Python float keeps float32
defvjp("expm1", lambda g, ans, x: g * (ans + 1))
defvjp("log", lambda g, ans, x: g / x)
defvjp("log2", lambda g, ans, x: g / (x * math.log(2)))
defvjp("log10", lambda g, ans, x: g / (x * math.log(10)))
defvjp("log1p", lambda g, ans, x: g / (1 + x))
defvjp("sqrt", lambda g, ans, x: g / (2 * ans))
defvjp("square", lambda g, ans, x: g * (2 * x))
defvjp("abs", lambda g, ans, x: g * np.sign(x))
defvjp("expit", lambda g, ans, x: g * ans * (1 - ans))
defvjp(
    "where",
    None,
    lambda g, ans, c, x, y: np.where(c, g, 0.0),
    lambda g, ans, c, x, y: np.where(c, 0.0, g),
)
defvjp(
    "clip",
    lambda g, ans, x, lo, hi: g * x.ge(lo) * x.le(hi),  # no `&`: adgen reads it back
    lambda g, ans, x, lo, hi: g * x.lt(lo),
    lambda g, ans, x, lo, hi: g * x.gt(hi),
)


# --- reductions -------------------------------------------------------------
def kept(g: E, axis: Any, keepdims: bool) -> E:
    """``g`` with the reduced axes put back as size-1 axes, so it broadcasts against ``x``."""
    return g if axis is None or keepdims else np.expand_dims(g, axis)


defvjp(
    "sum", lambda g, ans, x, axis, keepdims: np.full_like(x, kept(g, axis, keepdims))
)
defvjp(
    "mean",
    lambda g, ans, x, axis, keepdims: np.full_like(
        x,
        (
            g / np.size(x)
            if axis is None
            else kept(g, axis, keepdims) * (np.size(ans) / np.size(x))
        ),
    ),
)
defvjp(
    "max",
    lambda g, ans, x, axis, keepdims: runtime.extremum_adjoint(
        g, x, ans, axis, keepdims
    ),
)
defvjp(
    "min",
    lambda g, ans, x, axis, keepdims: runtime.extremum_adjoint(
        g, x, ans, axis, keepdims
    ),
)


def _logsumexp(g: E, ans: E, x: E, axis: Any, keepdims: bool, ndims: tuple) -> E:
    """g times softmax(x), g and ans spread back over the reduced axes.  Where x's
    rank is unknown, ans may be a scalar and g the Python-float seed, which
    np.expand_dims would make a float64 array: runtime.unreduce spreads it safely."""
    (rank,) = ndims
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


defvjp("logsumexp", _logsumexp)


# --- linear algebra and shape ----------------------------------------------
# These rules (and logsumexp's) receive the operands' ranks (``ndims``, None where unknown) from
# the shape pass: with ranks known the adjoint is the textbook formula, else a
# run-time helper that handles numpy's general case.
def _matmul_x(g: E, ans: E, x: E, y: E, ndims: tuple) -> E:
    rules = {
        (2, 2): lambda: g @ y.T,
        (1, 2): lambda: g @ y.T,
        (2, 1): lambda: np.outer(g, y),
        (1, 1): lambda: g * y,
    }
    return rules.get(ndims, lambda: runtime.matmul_adjoint_x(g, x, y))()


def _matmul_y(g: E, ans: E, x: E, y: E, ndims: tuple) -> E:
    rules = {
        (2, 2): lambda: x.T @ g,
        (2, 1): lambda: x.T @ g,
        (1, 2): lambda: np.outer(x, g),
        (1, 1): lambda: g * x,
    }
    return rules.get(ndims, lambda: runtime.matmul_adjoint_y(g, x, y))()


def _dot_x(
    g: E, ans: E, x: E, y: E, ndims: tuple
) -> E:  # np.dot is matmul up to 2-D only
    known = all(n is not None and 1 <= n <= 2 for n in ndims)
    return _matmul_x(g, ans, x, y, ndims) if known else runtime.dot_adjoint_x(g, x, y)


def _dot_y(g: E, ans: E, x: E, y: E, ndims: tuple) -> E:
    known = all(n is not None and 1 <= n <= 2 for n in ndims)
    return _matmul_y(g, ans, x, y, ndims) if known else runtime.dot_adjoint_y(g, x, y)


def _inverse_permutation(axes: tuple[int, ...]) -> tuple[int, ...]:
    n = len(axes)
    return tuple(sorted(range(n), key=lambda i: axes[i] % n))


defvjp("matmul", _matmul_x, _matmul_y)
defvjp("dot", _dot_x, _dot_y)
defvjp(  # np.outer flattens its operands
    "outer",
    lambda g, ans, x, y, ndims: (
        g @ y if ndims == (1, 1) else np.reshape(g @ np.ravel(y), np.shape(x))
    ),
    lambda g, ans, x, y, ndims: (
        x @ g if ndims == (1, 1) else np.reshape(np.ravel(x) @ g, np.shape(y))
    ),
)
defvjp(
    "transpose",
    lambda g, ans, x, axes: (
        g.T if axes is None else np.transpose(g, _inverse_permutation(axes))
    ),
)
defvjp("reshape", lambda g, ans, x, shape: np.reshape(g, np.shape(x)))
defvjp(
    "trace",
    lambda g, ans, x, ndims: (
        g * np.eye(np.shape(x)[0], np.shape(x)[1], dtype=np.result_type(x))
        if ndims == (2,)
        else runtime.trace_adjoint(g, x)
    ),
)
defvjp(
    "getitem", lambda g, ans, x, index: runtime.index_adjoint(g, x, np.s_.expr()[index])
)
defvariadic(
    "concatenate", lambda g, ans, i, xs, axis: runtime.concatenate_part(g, xs, i, axis)
)


def _stack_part(g: E, ans: E, i: int, xs: Any, axis: int) -> E:
    """The ``i``-th slice of ``g`` along ``axis``, spelled as an index: adgen reads
    an index back for second derivatives (``np.take`` has no rule)."""
    if axis >= 0:
        index = (*(slice(None),) * axis, i)
    else:
        index = (ast.Constant(...), i, *(slice(None),) * (-axis - 1))
    return g[index if len(index) > 1 else i]


defvariadic("stack", _stack_part)

# --- functions with a user's rule (custom.py, @adgen.defvjp in the model) --------
# The rule's own return expression, its names replaced; None: no gradient.
defvariadic("custom", lambda g, ans, i, xs, rule: rule.adjoint(i, g, ans, xs))


# --- what emitted gradient code calls ----------------------------------------
# So that adgen can differentiate its own output (higher order). Each helper is
# linear in the adjoint ``a`` it carries; its other operands give only shapes or
# masks, which are constant almost everywhere (no gradient).
def summed(value: E, axis: Any, keepdims: bool) -> E:
    """``np.sum(value, axis, keepdims)``, spelling only what differs from the defaults."""
    options: dict[str, Any] = {} if axis is None else {"axis": axis}
    return np.sum(value, **options, **({"keepdims": True} if keepdims else {}))


defvjp(
    "full_like", None, lambda g, ans, x, v: g
)  # the reverse pass sums g to v's shape
# Summing over the inserted size-1 axes drops them, and np.sum has a rule of
# its own (np.reshape(g, np.shape(x)) would not read back: a call in a shape).
defvjp("expand_dims", lambda g, ans, x, axis: summed(g, axis, False))
defvjp("unbroadcast", lambda g, ans, a, like: runtime.broadcast_like(g, a), None)
defvjp("broadcast_like", lambda g, ans, a, like: runtime.unbroadcast(g, a), None)
defvjp(
    "extremum_adjoint",
    lambda g, ans, a, x, m, axis, keepdims: summed(
        g * runtime.extremum_adjoint(np.ones_like(a), x, m, axis, keepdims),
        axis,
        keepdims,
    ),
    None,
    None,
)
# unreduce spreads a over the axes a reduction removed (logsumexp's rule, where
# x's rank is unknown); sum_like sums them back: each is the other's adjoint.
defvjp(
    "unreduce",
    lambda g, ans, a, x, axis, keepdims: runtime.sum_like(g, a, axis, keepdims),
    None,
)
defvjp(
    "sum_like",
    lambda g, ans, t, like, axis, keepdims: runtime.unreduce(g, t, axis, keepdims),
    None,
)
defvjp("index_adjoint", lambda g, ans, a, x, index: g[index], None)
defvjp("trace_adjoint", lambda g, ans, a, x: np.trace(g), None)
# x_bar = A(a, y) is bilinear: <g, A(a, y)> = <a, g @ y>, so a's adjoint is g @ y
# and y's is the y-adjoint of the product g @ y (and symmetrically for y_bar).
defvjp(
    "matmul_adjoint_x",
    lambda g, ans, a, x, y: g @ y,
    None,
    lambda g, ans, a, x, y: runtime.matmul_adjoint_y(a, g, y),
)
defvjp(
    "matmul_adjoint_y",
    lambda g, ans, a, x, y: x @ g,
    lambda g, ans, a, x, y: runtime.matmul_adjoint_x(a, x, g),
    None,
)
defvjp(
    "dot_adjoint_x",
    lambda g, ans, a, x, y: np.dot(g, y),
    None,
    lambda g, ans, a, x, y: runtime.dot_adjoint_y(a, g, y),
)
defvjp(
    "dot_adjoint_y",
    lambda g, ans, a, x, y: np.dot(x, g),
    lambda g, ans, a, x, y: runtime.dot_adjoint_x(a, x, g),
    None,
)

# --- forward mode reads the same table (forward.py) ---------------------------
# An elementwise rule is g times the partial derivative, so the tangent is the
# rule with g replaced by the operand's tangent. The primitives below are not
# elementwise; forward mode derives their tangents as follows.
#
# Linear in each operand that has a rule: the tangent is the primitive itself
# applied to that operand's tangent (summed over active operands; for a list of
# operands, all tangents at once, zeros for inactive ones).
LINEAR = {
    "sum",
    "mean",
    "transpose",
    "reshape",
    "getitem",
    "trace",
    "concatenate",
    "stack",
    "matmul",
    "dot",
    "outer",
    "full_like",
    "expand_dims",
    *GRADIENT_HELPERS,
}
# Reductions whose rule spreads g over the reduced axes: the tangent contracts
# the rule (seeded with ones) with the operand's tangent over those axes.
REDUCTIONS = {"max", "min", "logsumexp"}

# Primitives whose rules take the operands' ranks as ``ndims``.
RANK_AWARE = {"matmul", "dot", "outer", "trace", "logsumexp"}
# Primitives whose rules take which operands are active, as ``active``.
ACTIVITY_AWARE = {"maximum", "minimum", "pow"}
# Primitives whose rules take the library of the call, as ``lib`` (see sin).
LIBRARY_AWARE = {"sin", "cos", "sinh", "cosh"}


def library(lib: str | None) -> Namespace:
    """The namespace a library-aware rule calls: ``math`` for math.* calls, else ``np``."""
    return math if lib == "math" else np
