"""np.linalg: inv, det, solve and norm.

inv, det and solve have tangents of their own (``tangent="jvp"``): d inv(A) =
-inv(A) dA inv(A), d det(A) = det(A) tr(inv(A) dA), d solve(A, b) = solve(A,
db - dA x).  Their partials are written for stacks of matrices too (the last
two axes; ``np.swapaxes`` for a transpose), with the 2-D textbook spelling
where the shape pass knows the operand is a matrix.  norm's partials are
those of a reduction: the vector 2-norm (``ord=None``, ``'fro'``), and with an
integer axis the 1-, 2- and inf-norms; the rest is refused where it is called.
"""

from __future__ import annotations

import math as math_module
from typing import Any

from ..expr import E
from .record import Primitive, RuleContext, np, register, runtime
from .reductions import spread

linalg = np.linalg


def _transposed(a: E, ctx: RuleContext, k: int = 0) -> E:
    """a with its last two axes swapped (a.T for a matrix)."""
    return a.T if ctx.ndims[k] == 2 else np.swapaxes(a, -1, -2)


def _inv(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    inverse_t = _transposed(ans, ctx)
    return -(inverse_t @ g @ inverse_t)


register(
    Primitive(
        "inv",
        lambda x: linalg.inv(x),
        calls=("numpy.linalg.inv",),
        shaped_like="x",
        vjp=(_inv,),
        tangent="jvp",
        jvp=(lambda t, ans, x, ctx: -(ans @ t @ ans),),
    )
)


def _det(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """g det(A) inv(A)^T; inf/nan where A is singular (autograd: the same)."""
    cofactors = _transposed(linalg.inv(x), ctx)
    if ctx.ndims == (2,):
        return g * ans * cofactors
    return np.expand_dims(g * ans, (-2, -1)) * cofactors


def _det_tangent(t: E, ans: E, x: E, ctx: RuleContext) -> E:
    cofactors = _transposed(linalg.inv(x), ctx)
    if ctx.ndims == (2,):
        return ans * np.sum(cofactors * t)
    return ans * np.sum(cofactors * t, axis=(-2, -1))


register(
    Primitive(
        "det",
        lambda x: linalg.det(x),
        calls=("numpy.linalg.det",),
        vjp=(_det,),
        tangent="jvp",
        jvp=(_det_tangent,),
    )
)


def _solve_b(g: E, ans: E, a: E, b: E, ctx: RuleContext) -> E:
    """b's adjoint: solve(A^T, g)."""
    return linalg.solve(_transposed(a, ctx), g)


def _solve_a(g: E, ans: E, a: E, b: E, ctx: RuleContext) -> E:
    """A's adjoint: -b_bar x^T (an outer product for a vector b)."""
    b_bar = _solve_b(g, ans, a, b, ctx)
    if ctx.ndims == (2, 1):
        return -np.outer(b_bar, ans)
    if ctx.ndims == (2, 2):
        return -(b_bar @ ans.T)
    return runtime.solve_adjoint_a(b_bar, ans)


register(
    Primitive(
        "solve",
        lambda a, b: linalg.solve(a, b),
        ("a", "b"),
        calls=("numpy.linalg.solve",),
        shaped_like="b",
        vjp=(_solve_a, _solve_b),
        tangent="jvp",
        jvp=(
            lambda t, ans, a, b, ctx: -linalg.solve(a, t @ ans),
            lambda t, ans, a, b, ctx: linalg.solve(a, t),
        ),
    )
)


def _norm_forward(x: E, ord: Any = None, axis: Any = None, keepdims: bool = False) -> E:
    options: dict[str, Any] = {}
    if ord is not None:
        options["ord"] = E(np.inf.expr()) if ord == math_module.inf else ord
    if axis is not None:
        options["axis"] = axis
    if keepdims:
        options["keepdims"] = True
    return linalg.norm(x, **options)


def _norm(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """2-norm: x / norm (nan at x = 0, as in autograd: kinks.md); 1-norm: sign(x);
    inf-norm: sign(x) at the entries of largest magnitude, shared at a tie (as max)."""
    if ctx.ord == 1:
        return spread(g, x, ctx) * np.sign(x)
    if ctx.ord == math_module.inf:
        share = runtime.extremum_adjoint(g, np.abs(x), ans, ctx.axis, ctx.keepdims)
        return share * np.sign(x)
    return spread(g, x, ctx) * x / spread(ans, x, ctx)


def _norm_orders(params: Any) -> tuple[str, str] | None:
    order, axis = params["ord"], params["axis"]
    if order in (None, "fro") and not isinstance(axis, tuple):
        return None
    if order in (1, 2, math_module.inf) and isinstance(axis, int):
        return None
    return (
        f"np.linalg.norm with ord={order!r}, axis={axis!r} is not supported",
        "use ord=None (the 2-norm of all entries, or along an integer axis), or "
        "ord=1, 2 or np.inf with an integer axis (a vector norm)",
    )


register(
    Primitive(
        "norm",
        _norm_forward,
        statics={"ord": None, "axis": None, "keepdims": False},
        calls=("numpy.linalg.norm",),
        vjp=(_norm,),
        tangent="reduction",
        refuse=_norm_orders,
    )
)
