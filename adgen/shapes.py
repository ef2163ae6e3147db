"""Static shape inference, so unbroadcasting is emitted only where shapes can differ.

A shape is one of

* a tuple of dimensions, each an ``int``, a symbolic name (``"batch"``) or
  ``None`` (unknown); ``()`` is a scalar;
* ``Same(*names)``: unknown, but the same as every other ``Same`` of the same
  names (the broadcast of those parameters' shapes);
* ``None``: nothing known.

Parameters get their shapes from ``@adgen.shapes(W="784 256")`` or from
annotations (``x: float`` is a scalar; a string annotation ``W: "784 256"``
works too, though linters read it as a forward reference); undeclared
parameters get ``Same(param)``.  A declaration is a promise: adgen does not
check it at run time.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import Any

from .ir import Const, Eqn, Function, all_eqns, loops
from .primitives import PRIMITIVES


@dataclass(frozen=True, init=False)
class Same:
    """An unknown shape: the broadcast of the (unknown) shapes of the parameters
    ``origins``, shared by every value derived elementwise from them.  Broadcasting
    is commutative, associative and idempotent, so ``ln(x1) + x1 * x2`` has the
    shape ``Same("x1", "x2")`` of ``x1 * x2``: equal origins, equal shapes."""

    origins: frozenset[str]

    def __init__(self, *origins: str):
        object.__setattr__(self, "origins", frozenset(origins))


Dim = int | str | None
Shape = tuple | Same | None
SCALAR: tuple = ()


def declared_shape(annotation: ast.expr | None, param: str) -> Shape:
    """``float``/``int`` -> scalar; ``"n 3"`` or ``"(n, 3)"`` -> dims; else ``Same(param)``."""
    if is_python_number(annotation):
        return SCALAR
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        text = annotation.value.strip().strip("()[]")
        dims = [d for d in text.replace(",", " ").split() if d]
        return tuple(int(d) if d.isdigit() else d for d in dims)
    return Same(param)


def is_python_number(annotation: ast.expr | None) -> bool:
    """``x: float`` or ``x: int``: a scalar, and a Python number (``"()"`` is a
    scalar of any numpy type)."""
    return isinstance(annotation, ast.Name) and annotation.id in ("float", "int")


def infer_shapes(fn: Function) -> dict[str, Shape]:
    """The shape of every variable of ``fn``, as far as it can be known statically.

    A name assigned in several places (a branch merge, a loop's carried
    variable) has a shape only where every assignment agrees; loops are
    iterated to a fixed point, which comes fast: a shape only ever becomes
    unknown."""
    shapes: dict[str, Shape] = {p: fn.shapes.get(p) for p in fn.params}
    shapes.update({i: SCALAR for i in loop_indices(fn.eqns)})
    eqns = all_eqns(fn.eqns)
    integers = _integers(fn, eqns)
    changed = True
    while changed:
        changed = False
        for eqn in eqns:
            operands = [shape_of(a, shapes) for a in eqn.args]
            new = _infer(eqn, operands, shapes, integers)
            if eqn.out in shapes and shapes[eqn.out] != new:
                new = None
            changed |= eqn.out not in shapes or shapes[eqn.out] != new
            shapes[eqn.out] = new
    return shapes


def checked_scalar(fn: Function, shapes: dict[str, Shape]) -> Function | None:
    """``fn`` as its ``grad_f`` knows it once it has checked that the output is a
    scalar, or None where that check tells nothing more.  An output of shape
    ``Same(x1, x2)`` is the broadcast of x1's and x2's shapes, and a broadcast is
    ``()`` only where every operand is: past the check, x1 and x2 are scalars,
    so their adjoints need no reduction (the unannotated lecture file)."""
    out = shapes.get(fn.output) if isinstance(fn.output, str) else None
    if not isinstance(out, Same):
        return None
    scalars = {p: SCALAR for p in fn.params if p in out.origins}
    return replace(fn, shapes={**fn.shapes, **scalars}) if scalars else None


def loop_indices(body: list) -> list[str]:
    """The variables of the ``for`` loops in ``body``, nested ones included."""
    return [loop.index for loop in loops(body) if loop.index]


def shape_of(atom: Any, shapes: dict[str, Shape]) -> Shape:
    if isinstance(atom, Const):
        return SCALAR if isinstance(atom.value, (int, float, bool)) else None
    return shapes.get(atom)


def _infer(
    eqn: Eqn, operands: list[Shape], shapes: dict[str, Shape], integers: set[str]
) -> Shape:
    prim = PRIMITIVES[eqn.prim]
    params = eqn.kwargs
    if prim.elementwise and params.get("lib") == "math":
        return SCALAR  # math.sin(x) is a Python float, whatever x was
    if prim.shaped_like is not None:
        return operands[prim.operands.index(prim.shaped_like)]
    if prim.elementwise:
        return broadcast(*operands)
    if eqn.prim == "custom":  # see custom.py: elementwise when its body is ufuncs
        return broadcast(*operands) if params["rule"].elementwise else None
    if eqn.prim in ("sum", "mean", "max", "min", "logsumexp", "prod", "var", "std"):
        return _reduced(operands[0], params.get("axis"), params.get("keepdims", False))
    if eqn.prim in ("matmul", "dot"):
        return _matmul(*operands)
    if eqn.prim == "transpose" and isinstance(operands[0], tuple):
        axes = params.get("axes")
        return (
            operands[0][::-1] if axes is None else tuple(operands[0][a] for a in axes)
        )
    if eqn.prim == "trace":
        return SCALAR if rank(operands[0]) == 2 else None
    if eqn.prim in ("len", "ndim", "size"):
        return SCALAR
    if eqn.prim == "shape":
        return (len(operands[0]),) if isinstance(operands[0], tuple) else (None,)
    if eqn.prim == "getitem":
        return _indexed(operands[0], params["index"], integers)
    if eqn.prim == "outer":
        return (None, None)
    if eqn.prim == "reshape" and isinstance(params.get("shape"), tuple):
        return tuple(
            d if isinstance(d, int) and d >= 0 else None for d in params["shape"]
        )
    return None


def _integers(fn: Function, eqns: list[Eqn]) -> set[str]:
    """The names known to hold integers: the loops' variables, the parameters
    declared numbers (an index that is one is an int), and lengths.  A scalar
    of unknown type is not one: ``x[y > 0]`` with a scalar boolean adds an axis."""
    lengths = {e.out for e in eqns if e.prim in ("len", "size", "ndim")}
    return set(loop_indices(fn.eqns)) | set(fn.numbers) | lengths


def _indexed(x: Shape, index: Any, integers: set[str]) -> Shape:
    """``x[i]`` with an integer ``i`` (a constant, a loop's variable, a length)
    drops the first axis; other indexes are not inferred."""
    if (
        isinstance(index, ast.Name)
        and index.id in integers
        and isinstance(x, tuple)
        and x
    ):
        return x[1:]
    if (
        isinstance(index, ast.Constant)
        and type(index.value) is int
        and isinstance(x, tuple)
        and x
    ):
        return x[1:]
    if (
        isinstance(index, ast.UnaryOp)
        and isinstance(index.operand, ast.Constant)
        and isinstance(x, tuple)
        and x
    ):
        return x[1:]
    return None


def broadcast(*shapes: Shape) -> Shape:
    """The shape numpy broadcasting gives, or what is known of it."""
    known = [s for s in shapes if s != SCALAR]
    if not known:
        return SCALAR
    if all(isinstance(s, Same) for s in known):
        return Same(*frozenset().union(*(s.origins for s in known)))
    if not all(isinstance(s, tuple) for s in known):
        return None
    rank = max(len(s) for s in known)
    padded = [(1,) * (rank - len(s)) + s for s in known]
    return tuple(_broadcast_dim([s[i] for s in padded]) for i in range(rank))


def _broadcast_dim(dims: list[Dim]) -> Dim:
    real = {d for d in dims if d != 1}
    if len(real) == 1:
        return real.pop()
    return 1 if not real else None


def _reduced(x: Shape, axis: Any, keepdims: bool) -> Shape:
    if axis is None:
        if not keepdims:
            return SCALAR
        return (1,) * len(x) if isinstance(x, tuple) else None
    if not isinstance(x, tuple) or not isinstance(axis, (int, tuple)):
        return None
    axes = (
        {a % len(x) for a in (axis if isinstance(axis, tuple) else (axis,))}
        if x
        else set()
    )
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(x))
    return tuple(d for i, d in enumerate(x) if i not in axes)


def _matmul(x: Shape, y: Shape) -> Shape:
    if not (isinstance(x, tuple) and isinstance(y, tuple)):
        return None
    table = {
        (2, 2): lambda: (x[0], y[1]),
        (1, 2): lambda: (y[1],),
        (2, 1): lambda: (x[0],),
        (1, 1): lambda: SCALAR,
    }
    return table.get((len(x), len(y)), lambda: None)()


def rank(shape: Shape) -> int | None:
    return len(shape) if isinstance(shape, tuple) else None


@dataclass(frozen=True)
class Reduction:
    """How to bring an adjoint of the output's shape back to an operand's shape.

    ``lead`` leading axes are summed away, then ``keep`` axes summed with
    keepdims; ``dynamic`` means shapes are not known and the runtime decides.
    """

    lead: int = 0
    keep: tuple[int, ...] = ()
    dynamic: bool = False
    to_scalar: bool = False

    @property
    def is_identity(self) -> bool:
        return not (self.lead or self.keep or self.dynamic or self.to_scalar)


def reduction(operand: Shape, out: Shape) -> Reduction:
    """What unbroadcasting an adjoint of shape ``out`` to ``operand`` needs."""
    if operand == SCALAR:
        if out == SCALAR:
            return Reduction()
        # np.sum where the output is known to be an array; else the runtime helper,
        # which leaves an adjoint that is a scalar as it is: np.sum would make the
        # Python-float seed 1.0 a float64 numpy scalar, and float32 gradients float64.
        return (
            Reduction(to_scalar=True)
            if isinstance(out, tuple)
            else Reduction(dynamic=True)
        )
    if isinstance(operand, Same) and (out == operand):
        return Reduction()
    if not (isinstance(operand, tuple) and isinstance(out, tuple)) or len(
        operand
    ) > len(out):
        return Reduction(dynamic=True)
    lead = len(out) - len(operand)
    keep = []
    for i, (d, o) in enumerate(zip(operand, out[lead:], strict=False)):
        if d == o and d is not None:
            continue
        if d == 1 and o != 1:
            keep.append(i)
        elif d is None or o is None or (d != o and 1 not in (d, o)):
            return Reduction(dynamic=True)
    return Reduction(lead, tuple(keep))
