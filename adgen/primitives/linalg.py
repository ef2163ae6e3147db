"""Linear algebra: matmul, dot, outer, trace, tensordot, inner, cross, kron
(einsum has a module of its own, einsum.py).

Their partials read the operands' ranks (``ctx.ndims``, from the shape pass;
None where unknown): with ranks known the adjoint is the textbook formula,
else a run-time helper that handles numpy's general case.  Each is linear in
each operand, so forward mode applies the primitive to the tangents.
"""

from __future__ import annotations

from ..expr import E
from .record import Primitive, RuleContext, np, register, runtime

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
TRACE_AXES = {"offset": 0, "axis1": 0, "axis2": 1}


def _trace_options(params: dict) -> dict:
    """The offset and axes that differ from np.trace's defaults."""
    return {k: v for k, v in params.items() if k in TRACE_AXES and v != TRACE_AXES[k]}


def _trace(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """g on the diagonal: an identity (shifted by offset) for a matrix."""
    options = _trace_options(ctx.params)
    if ctx.ndims == (2,) and set(options) <= {"offset"}:
        n, m = np.shape(x)[0], np.shape(x)[1]
        return g * np.eye(n, m, *options.values(), dtype=np.result_type(x))
    return runtime.trace_adjoint(g, x, **options)


def _no_dtype_out(params: dict) -> tuple[str, str] | None:
    for key in ("dtype", "out"):
        if params[key] is not None:
            return f"`{key}=` is not supported here", f"leave `{key}` out"
    return None


register(
    Primitive(
        "trace",
        lambda x, **params: np.trace(x, **_trace_options(params)),
        statics={**TRACE_AXES, "dtype": None, "out": None},
        calls=("numpy.trace",),
        methods=("trace",),
        vjp=(_trace,),
        tangent="linear",
        refuse=_no_dtype_out,
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


# np.cross of 3-vectors along axisa/axisb (default: the last), the product along
# axisc; axis= overrides all three.  <g, a x b> = <a, b x g> = <b, g x a>: each
# adjoint is a cross product, its vector axis put last to sum the axes numpy
# broadcast (unbroadcast aligns shapes from the right), then moved back.
CROSS_AXES = {"axisa": -1, "axisb": -1, "axisc": -1, "axis": None}


def _cross_options(params: dict) -> dict:
    return {k: v for k, v in params.items() if k in CROSS_AXES and v != CROSS_AXES[k]}


def _cross_axes(ctx: RuleContext) -> tuple[int, int, int]:
    if ctx.axis is not None:
        return ctx.axis, ctx.axis, ctx.axis
    return ctx.axisa, ctx.axisb, ctx.axisc


def _cross_adjoint(product: E, x: E, axis: int) -> E:
    """``product`` (x's adjoint, vector axis last) summed and laid out like x."""
    if axis == -1:
        return runtime.unbroadcast(product, x)
    like = np.moveaxis(x, axis, -1)
    return np.moveaxis(runtime.unbroadcast(product, like), -1, axis)


def _cross_x(g: E, ans: E, x: E, y: E, ctx: RuleContext) -> E:
    axisa, axisb, axisc = _cross_axes(ctx)
    spelled = {"axisa": axisb, "axisb": axisc} if (axisb, axisc) != (-1, -1) else {}
    return _cross_adjoint(np.cross(y, g, **spelled), x, axisa)


def _cross_y(g: E, ans: E, x: E, y: E, ctx: RuleContext) -> E:
    axisa, axisb, axisc = _cross_axes(ctx)
    spelled = {"axisa": axisc, "axisb": axisa} if (axisc, axisa) != (-1, -1) else {}
    return _cross_adjoint(np.cross(g, x, **spelled), y, axisb)


register(
    Primitive(
        "cross",
        lambda x, y, **params: np.cross(x, y, **_cross_options(params)),
        BINARY,
        CROSS_AXES,
        calls=("numpy.cross",),
        vjp=(_cross_x, _cross_y),
        tangent="linear",
    )
)
register(
    Primitive(
        "kron",
        lambda x, y: np.kron(x, y),
        BINARY,
        calls=("numpy.kron",),
        vjp=(
            lambda g, ans, x, y, ctx: runtime.kron_adjoint_a(g, x, y),
            lambda g, ans, x, y, ctx: runtime.kron_adjoint_b(g, x, y),
        ),
        tangent="linear",
    )
)
