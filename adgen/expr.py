"""A tiny builder of Python expressions, so derivative rules read like math.

``E`` wraps an ``ast.expr`` and overloads the arithmetic operators, so that
``g * np.cos(x)`` with ``g`` and ``x`` being ``E`` objects *builds* the AST of
that expression instead of computing it.  ``Namespace("np")`` makes attribute
calls: ``np.cos(x)`` builds ``np.cos(x)``.  Rules are therefore real Python,
checked by linters, yet produce code, never strings with placeholders.
"""

from __future__ import annotations

import ast
import math
from typing import Any


def to_ast(value: Any) -> ast.expr:
    """Lift a Python constant (or nested tuple of them), an ``E`` or an AST node."""
    if isinstance(value, E):
        return value.node
    if isinstance(value, ast.expr):
        return value
    if isinstance(value, tuple):
        return ast.Tuple([to_ast(v) for v in value], ast.Load())
    if isinstance(value, list):
        return ast.List([to_ast(v) for v in value], ast.Load())
    if isinstance(value, slice):
        return ast.Slice(
            *(
                None if v is None else to_ast(v)
                for v in (value.start, value.stop, value.step)
            )
        )
    if isinstance(value, float) and not math.isfinite(value):  # ast would write 1e309
        inf = ast.Attribute(
            ast.Name("np", ast.Load()),
            "nan" if math.isnan(value) else "inf",
            ast.Load(),
        )
        return ast.UnaryOp(ast.USub(), inf) if value < 0 else inf
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    if value is None or isinstance(value, (bool, int, float, str)):
        return ast.Constant(value)
    raise TypeError(f"cannot write {value!r} as Python source")


class E:
    """An expression under construction."""

    __slots__ = ("node",)

    def __init__(self, node: Any):
        self.node = to_ast(node)

    def __repr__(self) -> str:
        return f"E({ast.unparse(self.node)})"

    def _bin(self, op: ast.operator, other: Any, reflected: bool = False) -> E:
        left, right = (
            (to_ast(other), self.node) if reflected else (self.node, to_ast(other))
        )
        return E(ast.BinOp(left, op, right))

    def __add__(self, o: Any) -> E:
        return self._bin(ast.Add(), o)

    def __radd__(self, o: Any) -> E:
        return self._bin(ast.Add(), o, True)

    def __sub__(self, o: Any) -> E:
        return self._bin(ast.Sub(), o)

    def __rsub__(self, o: Any) -> E:
        return self._bin(ast.Sub(), o, True)

    def __mul__(self, o: Any) -> E:
        return self._bin(ast.Mult(), o)

    def __rmul__(self, o: Any) -> E:
        return self._bin(ast.Mult(), o, True)

    def __truediv__(self, o: Any) -> E:
        return self._bin(ast.Div(), o)

    def __rtruediv__(self, o: Any) -> E:
        return self._bin(ast.Div(), o, True)

    def __floordiv__(self, o: Any) -> E:
        return self._bin(ast.FloorDiv(), o)

    def __mod__(self, o: Any) -> E:
        return self._bin(ast.Mod(), o)

    def __pow__(self, o: Any) -> E:
        return self._bin(ast.Pow(), o)

    def __rpow__(self, o: Any) -> E:
        return self._bin(ast.Pow(), o, True)

    def __matmul__(self, o: Any) -> E:
        return self._bin(ast.MatMult(), o)

    def __and__(self, o: Any) -> E:
        return self._bin(ast.BitAnd(), o)

    def __neg__(self) -> E:
        return E(ast.UnaryOp(ast.USub(), self.node))

    def __pos__(self) -> E:
        return self

    # Comparisons get names, not operators. Python's own comparisons and truth
    # testing would silently give a constant, so they refuse.
    def __eq__(self, other: object) -> bool:
        raise TypeError(
            "compare expressions with .eq(), .gt() ...; `==` would give a Python bool"
        )

    __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise TypeError("an expression under construction has no truth value")

    def _cmp(self, op: ast.cmpop, other: Any) -> E:
        return E(ast.Compare(self.node, [op], [to_ast(other)]))

    def gt(self, o: Any) -> E:
        return self._cmp(ast.Gt(), o)

    def lt(self, o: Any) -> E:
        return self._cmp(ast.Lt(), o)

    def ge(self, o: Any) -> E:
        return self._cmp(ast.GtE(), o)

    def le(self, o: Any) -> E:
        return self._cmp(ast.LtE(), o)

    def eq(self, o: Any) -> E:
        return self._cmp(ast.Eq(), o)

    def ne(self, o: Any) -> E:
        return self._cmp(ast.NotEq(), o)

    def __iter__(
        self,
    ) -> Any:  # `*expr` would otherwise loop forever through __getitem__
        raise TypeError("an E expression cannot be unpacked; index it explicitly")

    def __getitem__(self, index: Any) -> E:
        return E(ast.Subscript(self.node, to_ast(index), ast.Load()))

    def attr(self, name: str) -> E:
        return E(ast.Attribute(self.node, name, ast.Load()))

    @property
    def T(self) -> E:
        return self.attr("T")

    def call(self, *args: Any, **kwargs: Any) -> E:
        keywords = [ast.keyword(k, to_ast(v)) for k, v in kwargs.items()]
        return E(ast.Call(self.node, [to_ast(a) for a in args], keywords))

    def method(self, name: str, *args: Any, **kwargs: Any) -> E:
        return self.attr(name).call(*args, **kwargs)


def name(identifier: str) -> E:
    """The variable ``identifier`` as an expression."""
    return E(ast.Name(identifier, ast.Load()))


class Namespace:
    """``Namespace("np").cos(x)`` builds the call ``np.cos(x)``; ``.pi`` the constant."""

    def __init__(self, *path: str):
        self._path = path

    def __getattr__(self, attr: str) -> Function:
        return Function(*self._path, attr)


class Function(Namespace):
    """A dotted name such as ``np.cos``: call it to build a call expression."""

    def expr(self) -> E:
        node: ast.expr = ast.Name(self._path[0], ast.Load())
        for part in self._path[1:]:
            node = ast.Attribute(node, part, ast.Load())
        return E(node)

    def __call__(self, *args: Any, **kwargs: Any) -> E:
        return self.expr().call(*args, **kwargs)


def numpy_function(node: ast.AST) -> str | None:
    """``"cos"`` for a call ``np.cos(...)``, else None: how the passes that read
    emitted code back recognise what the rules wrote."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "np"
    ):
        return node.func.attr
    return None


def assign(target: str, value: E) -> ast.Assign:
    """The statement ``target = value``."""
    return ast.Assign([ast.Name(target, ast.Store())], value.node, lineno=0)
