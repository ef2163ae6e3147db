"""The primitive operations adgen knows: how a call is recognised, and how it is written.

Three tables, read by the normalizer and the emitter:

* ``PRIMITIVES``: each primitive's signature (array operands, static keyword
  parameters) and how its forward value is spelled in emitted code;
* ``FUNCTIONS``: qualified function names (``numpy.sin``, ``math.sin``,
  ``scipy.special.expit``, builtins) -> primitive;
* ``METHODS``: array methods and attributes (``x.sum()``, ``x.T``) -> primitive.

The derivative of each primitive lives in ``rules.py``; adding a function is one
row here and one rule there.
"""

from __future__ import annotations

import ast
import math as math_module
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import runtime as runtime_module
from .expr import E, Namespace, assign
from .ir import Const, Eqn

np = Namespace("np")
math = Namespace("math")
scipy_special = Namespace("scipy", "special")
runtime = Namespace()  # bare names of adgen/runtime.py helpers

Forward = Callable[..., E]  # (*operands: E, **static params) -> E


@dataclass(frozen=True)
class Primitive:
    name: str
    forward: Forward
    # array operands, in call order; ("*",) means a list of them
    operands: tuple[str, ...] = ("x",)
    # static parameters, with their defaults
    statics: dict[str, Any] = field(default_factory=dict)
    # operands numpy lets be None, and the number None stands for
    none_means: dict[str, float] = field(default_factory=dict)
    elementwise: bool = False  # output has the broadcast shape of the operands
    shaped_like: str | None = None  # the operand whose shape the output has, if any


def _call(fn: Callable[..., E]) -> Forward:
    """Forward spelling ``fn(x, ...)``: a plain call on the operands."""

    def forward(*operands: E, **params: Any) -> E:
        return fn(*operands, **params)

    return forward


def _reduction(fn: Callable[..., E]) -> Forward:
    def forward(x: E, axis: Any = None, keepdims: bool = False) -> E:
        kwargs: dict[str, Any] = {}
        if axis is not None:
            kwargs["axis"] = axis
        if keepdims:
            kwargs["keepdims"] = True
        return fn(x, **kwargs)

    return forward


def _prims() -> dict[str, Primitive]:
    table: dict[str, Primitive] = {}

    def add(p: Primitive) -> None:
        table[p.name] = p

    binary = ("x", "y")
    add(Primitive("add", lambda x, y: x + y, binary, elementwise=True))
    add(Primitive("sub", lambda x, y: x - y, binary, elementwise=True))
    add(Primitive("mul", lambda x, y: x * y, binary, elementwise=True))
    add(Primitive("div", lambda x, y: x / y, binary, elementwise=True))
    add(Primitive("pow", lambda x, y: x**y, binary, elementwise=True))
    add(Primitive("mod", lambda x, y: x % y, binary, elementwise=True))
    add(Primitive("floordiv", lambda x, y: x // y, binary, elementwise=True))
    add(Primitive("neg", lambda x: -x, elementwise=True))
    # y = x: a merge at the end of a branch, a loop's carried variable (see ir.py)
    add(Primitive("copy", lambda x: x, elementwise=True))
    add(Primitive("matmul", lambda x, y: x @ y, binary))
    add(Primitive("dot", lambda x, y: np.dot(x, y), binary))
    add(Primitive("outer", lambda x, y: np.outer(x, y), binary))
    for name in ("maximum", "minimum"):
        add(Primitive(name, _call(getattr(np, name)), binary, elementwise=True))
    for cmp in ("gt", "lt", "ge", "le", "eq", "ne"):
        add(
            Primitive(
                cmp, lambda x, y, _c=cmp: getattr(x, _c)(y), binary, elementwise=True
            )
        )
    for name in UNARY_NUMPY:
        add(Primitive(name, _call(getattr(np, name)), elementwise=True))
    add(Primitive("expit", _call(scipy_special.expit), elementwise=True))
    add(Primitive("where", _call(np.where), ("c", "x", "y"), elementwise=True))
    unbounded = {"lo": -math_module.inf, "hi": math_module.inf}  # np.clip(x, 0, None)
    add(
        Primitive(
            "clip",
            _call(np.clip),
            ("x", "lo", "hi"),
            elementwise=True,
            none_means=unbounded,
        )
    )
    for name in ("sum", "mean", "max", "min", "any", "all"):  # any/all: for conditions
        add(
            Primitive(
                name,
                _reduction(getattr(np, name)),
                statics={"axis": None, "keepdims": False},
            )
        )
    add(
        Primitive(
            "logsumexp",
            _reduction(runtime.logsumexp),  # scipy's semantics, faster: runtime.py
            statics={"axis": None, "keepdims": False},
        )
    )
    add(Primitive("transpose", _transpose, statics={"axes": None}))
    add(
        Primitive(
            "reshape", lambda x, shape: np.reshape(x, shape), statics={"shape": None}
        )
    )
    add(Primitive("trace", _call(np.trace)))
    add(
        Primitive(
            "concatenate",
            lambda *xs, axis=0: np.concatenate(list_of(xs), **_nondefault(axis=axis)),
            ("*",),
            {"axis": 0},
        )
    )
    add(
        Primitive(
            "stack",
            lambda *xs, axis=0: np.stack(list_of(xs), **_nondefault(axis=axis)),
            ("*",),
            {"axis": 0},
        )
    )
    add(Primitive("getitem", lambda x, index: x[index], statics={"index": None}))
    # A function with a custom rule (custom.py): the rule spells its value.
    add(Primitive("custom", lambda *xs, rule: rule.primal(xs), ("*",), {"rule": None}))
    # Values that do not depend differentiably on their operands.
    add(Primitive("shape", lambda x: np.shape(x)))
    add(Primitive("ndim", lambda x: np.ndim(x)))
    add(Primitive("size", lambda x: np.size(x)))
    add(Primitive("len", lambda x: E(_builtin("len")).call(x)))
    add(Primitive("sign", _call(np.sign), elementwise=True))
    add(Primitive("zeros", lambda shape: np.zeros(shape), (), {"shape": None}))
    add(Primitive("ones", lambda shape: np.ones(shape), (), {"shape": None}))
    for name in ("zeros_like", "ones_like"):
        add(Primitive(name, _call(getattr(np, name))))
    add(Primitive("arange", lambda *xs: np.arange(*xs), ("*",)))
    add(Primitive("floor", _call(np.floor), elementwise=True))
    _gradient_code_prims(add)
    return table


def _gradient_code_prims(add: Callable[[Primitive], None]) -> None:
    """What emitted gradient code calls beyond the primitives above, so that adgen can
    read its own output and differentiate it again (higher order: see higher.py)."""
    add(
        Primitive(
            "full_like",
            _call(np.full_like),
            ("x", "fill_value"),
            elementwise=True,
            shaped_like="x",
        )
    )
    add(
        Primitive(
            "expand_dims",
            lambda x, axis: np.expand_dims(x, axis),
            statics={"axis": None},
        )
    )
    like = ("g", "like")
    for name, operands, statics, shaped in [
        ("unbroadcast", like, {}, "like"),
        ("broadcast_like", like, {}, "like"),
        ("extremum_adjoint", ("g", "x", "ans"), {"axis": None, "keepdims": False}, "x"),
        ("trace_adjoint", ("g", "x"), {}, "x"),
        ("matmul_adjoint_x", ("g", "x", "y"), {}, "x"),
        ("matmul_adjoint_y", ("g", "x", "y"), {}, "y"),
        ("dot_adjoint_x", ("g", "x", "y"), {}, "x"),
        ("dot_adjoint_y", ("g", "x", "y"), {}, "y"),
        # a scalar g stays a scalar: no shape to promise
        ("unreduce", ("g", "x"), {"axis": None, "keepdims": False}, None),
        ("sum_like", ("t", "like"), {"axis": None, "keepdims": False}, "like"),
    ]:
        helper = getattr(runtime, name)
        add(
            Primitive(
                name,
                lambda *xs, _h=helper, **params: _h(*xs, *params.values()),
                operands,
                statics,
                shaped_like=shaped,
            )
        )
    add(
        Primitive(
            "index_adjoint",
            lambda g, x, index: runtime.index_adjoint(g, x, np.s_.expr()[index]),
            ("g", "x"),
            {"index": None},
            shaped_like="x",
        )
    )


def _builtin(name: str) -> Any:
    return ast.Name(name, ast.Load())


def list_of(items: tuple[E, ...]) -> E:
    return E(ast.List([i.node for i in items], ast.Load()))


def _nondefault(axis: Any) -> dict[str, Any]:
    return {} if axis == 0 else {"axis": axis}


def _transpose(x: E, axes: Any = None) -> E:
    return x.T if axes is None else np.transpose(x, axes)


# Elementwise unary numpy functions with a derivative rule (see rules.py).
UNARY_NUMPY = [
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sqrt",
    "square",
    "abs",
]

# math.<name> -> primitive: the elementwise functions Python's math module shares with numpy.
MATH_FUNCTIONS = {
    name: name
    for name in [
        "sin",
        "cos",
        "tan",
        "sinh",
        "cosh",
        "tanh",
        "exp",
        "expm1",
        "log",
        "log2",
        "log10",
        "log1p",
        "sqrt",
    ]
}
MATH_FUNCTIONS.update(asin="arcsin", acos="arccos", atan="arctan", fabs="abs")

# Functions whose output carries no derivative: used only for shapes and masks.
NONDIFFERENTIABLE = {
    "gt",
    "lt",
    "ge",
    "le",
    "eq",
    "ne",
    "shape",
    "ndim",
    "size",
    "len",
    "sign",
    "zeros",
    "ones",
    "zeros_like",
    "ones_like",
    "arange",
    "floordiv",
    "floor",
    "any",
    "all",
}

PRIMITIVES: dict[str, Primitive] = _prims()

GRADIENT_HELPERS = runtime_module.GRADIENT_HELPERS


def _functions() -> dict[str, str]:
    """Qualified name -> primitive."""
    table = {f"numpy.{n}": n for n in UNARY_NUMPY}
    table.update(
        {
            f"numpy.{n}": n
            for n in (
                [
                    "maximum",
                    "minimum",
                    "where",
                    "clip",
                    "sum",
                    "any",
                    "all",
                    "mean",
                    "max",
                    "min",
                    "dot",
                    "matmul",
                    "outer",
                    "transpose",
                    "reshape",
                    "trace",
                    "concatenate",
                    "stack",
                    "shape",
                    "ndim",
                    "size",
                    "sign",
                    "zeros",
                    "ones",
                    "zeros_like",
                    "ones_like",
                    "arange",
                ]
            )
        }
    )
    table.update(
        {
            "numpy.power": "pow",
            "numpy.absolute": "abs",
            "numpy.fabs": "abs",
            "numpy.amax": "max",
            "numpy.amin": "min",
            "numpy.negative": "neg",
            "numpy.add": "add",
            "numpy.subtract": "sub",
            "numpy.multiply": "mul",
            "numpy.divide": "div",
            "numpy.true_divide": "div",
        }
    )
    table.update({f"math.{k}": v for k, v in MATH_FUNCTIONS.items()})
    table["math.pow"] = "pow"
    table.update(
        {"scipy.special.expit": "expit", "scipy.special.logsumexp": "logsumexp"}
    )
    table.update({"numpy.floor": "floor", "numpy.full_like": "full_like"})
    table["numpy.expand_dims"] = "expand_dims"
    table.update(
        {f"adgen.runtime.{n}": n for n in GRADIENT_HELPERS}
    )  # emitted gradient code, read again for higher orders
    table["adgen.runtime.logsumexp"] = "logsumexp"
    for numpy_name in vars(runtime_module.scalar_math):  # grad_f's scalar spelling
        table[f"adgen.runtime.scalar_math.{numpy_name}"] = table[f"numpy.{numpy_name}"]
    table.update(
        {
            "builtins.abs": "abs",
            "builtins.max": "maximum",
            "builtins.min": "minimum",
            "builtins.len": "len",
        }
    )
    return table


FUNCTIONS: dict[str, str] = _functions()

# Math functions emitted with `math.` in the forward pass (fast on Python floats).
MATH_SPELLING = {prim: name for name, prim in MATH_FUNCTIONS.items()}

# Constants reachable by qualified name.
CONSTANTS: dict[str, float] = {}


def _constants() -> None:
    import math as _m

    for lib in ("numpy", "math"):
        CONSTANTS[f"{lib}.pi"] = _m.pi
        CONSTANTS[f"{lib}.e"] = _m.e
        CONSTANTS[f"{lib}.inf"] = _m.inf


_constants()

# Array methods: `x.sum(axis=0)` -> ("sum", True); attributes: `x.T` -> ("transpose", False).
METHODS: dict[str, str] = {
    n: n
    for n in ("sum", "mean", "max", "min", "reshape", "transpose", "dot", "any", "all")
}
ATTRIBUTES: dict[str, str] = {
    "T": "transpose",
    "shape": "shape",
    "ndim": "ndim",
    "size": "size",
}


def primal_expr(eqn: Eqn) -> E:
    """How node ``eqn`` is written in emitted code: ``np.sin(x1)``, ``x1 * x2``."""
    from .expr import name

    operands = [E(a.value) if isinstance(a, Const) else name(a) for a in eqn.args]
    params = eqn.kwargs
    lib = params.pop("lib", None)
    if lib == "math":
        return getattr(math, MATH_SPELLING[eqn.prim])(*operands)
    if lib == "builtins":
        builtin = {"maximum": "max", "minimum": "min", "abs": "abs"}[eqn.prim]
        return E(_builtin(builtin)).call(*operands)
    return PRIMITIVES[eqn.prim].forward(*operands, **params)


def rule_operand(atom: Any) -> E:
    """An operand as the derivative rules read it: a variable's name, a number, and a
    module constant that is a list or tuple of numbers as the array numpy makes of it
    wherever it meets an array (``x ** W`` differentiates to ``W * x ** (W - 1)``,
    and ``W - 1`` of a list raises).  The primal keeps the list, as the model wrote
    it: there ``W + W`` joins two lists, as in Python."""
    from .expr import name

    if not isinstance(atom, Const):
        return name(atom)
    if isinstance(atom.value, list | tuple):
        return np.array(atom.value)
    return E(atom.value)


def primal_statement(eqn: Eqn) -> ast.Assign:
    """The assignment ``out = <primal_expr>`` for node ``eqn``."""
    return assign(eqn.out, primal_expr(eqn))
