"""Shape operations: transpose, reshape, indexing, concatenate and stack; the
values that carry no derivative (shape, size, zeros, arange ...); and ``custom``,
the one primitive of every function with a user's rule.

The differentiable ones are linear: forward mode applies them to the tangents.
"""

from __future__ import annotations

import ast
from typing import Any

from ..expr import E
from .record import Primitive, RuleContext, call, np, register, runtime


def list_of(items: tuple[E, ...]) -> E:
    return E(ast.List([i.node for i in items], ast.Load()))


def builtin(name: str) -> Any:
    return ast.Name(name, ast.Load())


def _nondefault(axis: Any) -> dict[str, Any]:
    return {} if axis == 0 else {"axis": axis}


def _transpose(x: E, axes: Any = None) -> E:
    return x.T if axes is None else np.transpose(x, axes)


def _inverse_permutation(axes: tuple[int, ...]) -> tuple[int, ...]:
    n = len(axes)
    return tuple(sorted(range(n), key=lambda i: axes[i] % n))


register(
    Primitive(
        "transpose",
        _transpose,
        statics={"axes": None},
        calls=("numpy.transpose",),
        methods=("transpose",),
        attributes=("T",),
        vjp=(
            lambda g, ans, x, ctx: (
                g.T
                if ctx.axes is None
                else np.transpose(g, _inverse_permutation(ctx.axes))
            ),
        ),
        tangent="linear",
        view=True,
    )
)
register(
    Primitive(
        "reshape",
        lambda x, shape: np.reshape(x, shape),
        statics={"shape": None},
        calls=("numpy.reshape",),
        methods=("reshape",),
        vjp=(lambda g, ans, x, ctx: np.reshape(g, np.shape(x)),),
        tangent="linear",
        view=True,
    )
)
register(
    Primitive(
        "getitem",
        lambda x, index: x[index],
        statics={"index": None},
        vjp=(
            lambda g, ans, x, ctx: runtime.index_adjoint(g, x, np.s_.expr()[ctx.index]),
        ),
        tangent="linear",
        view=True,
    )
)
register(
    Primitive(
        "concatenate",
        lambda *xs, axis=0: np.concatenate(list_of(xs), **_nondefault(axis=axis)),
        ("*",),
        {"axis": 0},
        calls=("numpy.concatenate",),
        array_api="concat",
        vjp=(lambda g, ans, i, xs, ctx: runtime.concatenate_part(g, xs, i, ctx.axis),),
        tangent="linear",
    )
)


def _stack_part(g: E, ans: E, i: int, xs: Any, ctx: RuleContext) -> E:
    """The ``i``-th slice of ``g`` along ``axis``, spelled as an index: adgen reads
    an index back for second derivatives (``np.take`` has no rule)."""
    axis = ctx.axis
    if axis >= 0:
        index = (*(slice(None),) * axis, i)
    else:
        index = (ast.Constant(...), i, *(slice(None),) * (-axis - 1))
    return g[index if len(index) > 1 else i]


register(
    Primitive(
        "stack",
        lambda *xs, axis=0: np.stack(list_of(xs), **_nondefault(axis=axis)),
        ("*",),
        {"axis": 0},
        calls=("numpy.stack",),
        vjp=(_stack_part,),
        tangent="linear",
    )
)


def _written_part(g: E, ans: E, i: int, xs: Any, ctx: RuleContext) -> E:
    """``y_2 = index_update(y, np.s_[i], v)``: ``y_bar`` is ``y_2_bar`` with the
    written entries zeroed, ``v_bar`` the written entries (summed where ``v``
    was broadcast)."""
    index = np.s_.expr()[ctx.index]
    if i == 0:
        return runtime.index_update(g, index, 0.0)
    return runtime.unbroadcast(g[ctx.index], xs[1])


# y[i] = v (normalize/statements.py): a new array, the old one and the value as operands
register(
    Primitive(
        "index_update",
        lambda x, v, index: runtime.index_update(x, np.s_.expr()[index], v),
        ("*",),
        {"index": None},
        vjp=(_written_part,),
        tangent="linear",
    )
)

# A function with a user's rule (custom.py, @adgen.defvjp in the model): the rule
# spells its value, its adjoints (its own return expression, names replaced;
# None: no gradient) and its tangents.
register(
    Primitive(
        "custom",
        lambda *xs, rule: rule.primal(xs),
        ("*",),
        {"rule": None},
        vjp=(lambda g, ans, i, xs, ctx: ctx.rule.adjoint(i, g, ans, xs),),
        tangent="rule",
    )
)

# --- values that do not depend differentiably on their operands -------------
register(
    Primitive(
        "shape",
        lambda x: np.shape(x),
        calls=("numpy.shape",),
        attributes=("shape",),
    )
)
register(
    Primitive("ndim", lambda x: np.ndim(x), calls=("numpy.ndim",), attributes=("ndim",))
)
register(
    Primitive("size", lambda x: np.size(x), calls=("numpy.size",), attributes=("size",))
)
register(Primitive("len", lambda x: E(builtin("len")).call(x), calls=("builtins.len",)))

# The truth values of conditions: ``not c``, ``a and b`` (normalize/conditions.py
# lowers a right operand that may fail into a branch, so these short-circuit).
# A condition carries no derivative, so none has a rule.
register(Primitive("not_", lambda x: E(ast.UnaryOp(ast.Not(), x.node))))
for _name, _op in (("and_", ast.And), ("or_", ast.Or)):
    register(
        Primitive(
            _name,
            lambda x, y, _op=_op: E(ast.BoolOp(_op(), [x.node, y.node])),
            ("x", "y"),
        )
    )
register(
    Primitive(
        "zeros",
        lambda shape: np.zeros(shape),
        (),
        {"shape": None},
        calls=("numpy.zeros",),
    )
)
register(
    Primitive(
        "ones", lambda shape: np.ones(shape), (), {"shape": None}, calls=("numpy.ones",)
    )
)
for _name in ("zeros_like", "ones_like"):
    register(Primitive(_name, call(getattr(np, _name)), calls=(f"numpy.{_name}",)))
register(
    Primitive("arange", lambda *xs: np.arange(*xs), ("*",), calls=("numpy.arange",))
)


# np.linspace(start, stop, num): start + (stop - start) * w with fixed weights w,
# linear in (start, stop) together: each adjoint is g contracted with its weights
# (1 - w for start) over the samples' axis, summed back to the operand's shape.
LINSPACE = {"num": 50, "endpoint": True, "retstep": False, "dtype": None, "axis": 0}


def _linspace(
    start: E | float, stop: E | float, num: int = 50, endpoint: bool = True, **_: Any
) -> E:
    return np.linspace(start, stop, num, **({} if endpoint else {"endpoint": False}))


def _linspace_weights(ctx: Any) -> E:
    return _linspace(0.0, 1.0, ctx.num, ctx.endpoint)


def _linspace_refusal(params: Any) -> tuple[str, str] | None:
    for key in ("retstep", "dtype", "axis"):
        if params[key] != LINSPACE[key]:
            return f"np.linspace's `{key}=` is not supported here", f"leave `{key}` out"
    return None


register(
    Primitive(
        "linspace",
        _linspace,
        ("start", "stop"),
        LINSPACE,
        calls=("numpy.linspace",),
        vjp=(
            lambda g, ans, start, stop, ctx: runtime.unbroadcast(
                np.tensordot(1.0 - _linspace_weights(ctx), g, 1), start
            ),
            lambda g, ans, start, stop, ctx: runtime.unbroadcast(
                np.tensordot(_linspace_weights(ctx), g, 1), stop
            ),
        ),
        tangent="jvp",
        jvp=(
            # t (1 - w), t w: zeros of the other end give the output's shape
            lambda t, ans, start, stop, ctx: _linspace(
                t, np.zeros_like(stop), ctx.num, ctx.endpoint
            ),
            lambda t, ans, start, stop, ctx: _linspace(
                np.zeros_like(start), t, ctx.num, ctx.endpoint
            ),
        ),
        refuse=_linspace_refusal,
        array_api=None,  # the standard's linspace takes Python numbers only
    )
)


# x.astype(dtype): a float dtype keeps the value (derivative 1, the adjoint g);
# an integer or boolean one makes data (no derivative), as np.floor does.
def _float_kind(dtype: str) -> bool:
    return dtype.startswith(("float", "complex"))


register(
    Primitive(
        "astype",
        lambda x, dtype: E(ast.Attribute(x.node, "astype", ast.Load())).call(dtype),
        statics={"dtype": None},
        shaped_like="x",
        methods=("astype",),
        vjp=(lambda g, ans, x, ctx: g if _float_kind(ctx.dtype) else None,),
        tangent="jvp",  # the same: the tangent, or none
        jvp=(lambda t, ans, x, ctx: t if _float_kind(ctx.dtype) else None,),
        refuse=lambda params: (
            None
            if isinstance(params["dtype"], str)
            else ("x.astype takes a dtype here", "write x.astype(float)")
        ),
        array_api=None,  # the standard's astype takes its own dtype objects
    )
)
