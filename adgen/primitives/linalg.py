"""Linear algebra: matmul, dot, outer, trace.

Their partials read the operands' ranks (``ctx.ndims``, from the shape pass;
None where unknown): with ranks known the adjoint is the textbook formula,
else a run-time helper that handles numpy's general case.  Each is linear in
each operand, so forward mode applies the primitive to the tangents.
"""

from __future__ import annotations

from ..expr import E
from .record import Primitive, RuleContext, call, np, register, runtime

BINARY = ("x", "y")


def _matmul_x(g: E, ans: E, x: E, y: E, ctx: RuleContext) -> E:
    rules = {
        (2, 2): lambda: g @ y.T,
        (1, 2): lambda: g @ y.T,
        (2, 1): lambda: np.outer(g, y),
        (1, 1): lambda: g * y,
    }
    return rules.get(ctx.ndims, lambda: runtime.matmul_adjoint_x(g, x, y))()


def _matmul_y(g: E, ans: E, x: E, y: E, ctx: RuleContext) -> E:
    rules = {
        (2, 2): lambda: x.T @ g,
        (2, 1): lambda: x.T @ g,
        (1, 2): lambda: np.outer(x, g),
        (1, 1): lambda: g * x,
    }
    return rules.get(ctx.ndims, lambda: runtime.matmul_adjoint_y(g, x, y))()


def _up_to_2d(ctx: RuleContext) -> bool:
    """np.dot is matmul up to 2-D only."""
    return all(n is not None and 1 <= n <= 2 for n in ctx.ndims)


def _dot_x(g: E, ans: E, x: E, y: E, ctx: RuleContext) -> E:
    if _up_to_2d(ctx):
        return _matmul_x(g, ans, x, y, ctx)
    return runtime.dot_adjoint_x(g, x, y)


def _dot_y(g: E, ans: E, x: E, y: E, ctx: RuleContext) -> E:
    if _up_to_2d(ctx):
        return _matmul_y(g, ans, x, y, ctx)
    return runtime.dot_adjoint_y(g, x, y)


register(
    Primitive(
        "matmul",
        lambda x, y: x @ y,
        BINARY,
        calls=("numpy.matmul", "operator.matmul"),
        vjp=(_matmul_x, _matmul_y),
        tangent="linear",
    )
)
register(
    Primitive(
        "dot",
        lambda x, y: np.dot(x, y),
        BINARY,
        calls=("numpy.dot",),
        methods=("dot",),
        vjp=(_dot_x, _dot_y),
        tangent="linear",
    )
)
register(  # np.outer flattens its operands
    Primitive(
        "outer",
        lambda x, y: np.outer(x, y),
        BINARY,
        calls=("numpy.outer",),
        vjp=(
            lambda g, ans, x, y, ctx: (
                g @ y
                if ctx.ndims == (1, 1)
                else np.reshape(g @ np.ravel(y), np.shape(x))
            ),
            lambda g, ans, x, y, ctx: (
                x @ g
                if ctx.ndims == (1, 1)
                else np.reshape(np.ravel(x) @ g, np.shape(y))
            ),
        ),
        tangent="linear",
    )
)
register(
    Primitive(
        "trace",
        call(np.trace),
        calls=("numpy.trace",),
        vjp=(
            lambda g, ans, x, ctx: (
                g * np.eye(np.shape(x)[0], np.shape(x)[1], dtype=np.result_type(x))
                if ctx.ndims == (2,)
                else runtime.trace_adjoint(g, x)
            ),
        ),
        tangent="linear",
    )
)


# np.tensordot and np.inner (a tensordot over the last axes of both): bilinear,
# with adjoints that put the contracted axes back in each operand's order
# (runtime.tensordot_adjoint_a/b, primitives with rules in gradient_code.py).
INNER_AXES = ((-1,), (-1,))


def _tensordot(a: E, b: E, axes: object = 2) -> E:
    return np.tensordot(a, b, axes) if axes != 2 else np.tensordot(a, b)


register(
    Primitive(
        "tensordot",
        _tensordot,
        BINARY,
        {"axes": 2},
        calls=("numpy.tensordot",),
        vjp=(
            lambda g, ans, x, y, ctx: runtime.tensordot_adjoint_a(g, x, y, ctx.axes),
            lambda g, ans, x, y, ctx: runtime.tensordot_adjoint_b(g, x, y, ctx.axes),
        ),
        tangent="linear",
    )
)
register(
    Primitive(
        "inner",
        lambda x, y: np.inner(x, y),
        BINARY,
        calls=("numpy.inner",),
        vjp=(
            lambda g, ans, x, y, ctx: (
                g * y
                if ctx.ndims == (1, 1)
                else runtime.tensordot_adjoint_a(g, x, y, INNER_AXES)
            ),
            lambda g, ans, x, y, ctx: (
                g * x
                if ctx.ndims == (1, 1)
                else runtime.tensordot_adjoint_b(g, x, y, INNER_AXES)
            ),
        ),
        tangent="linear",
    )
)
