"""Comprehensions with a trip count known when compiling, unrolled.

``[f(x[i]) for i in range(3)]`` is the list ``[f(x[0]), f(x[1]), f(x[2])]``: each
element lowered with the variable bound to its value, so a comprehension is a
list literal from then on (``np.array`` of it stacks it, ``v[i]`` indexes it).
``sum(e for ...)`` and ``sum([...])`` add the elements as Python's ``sum``
does; ``sum`` of an array adds its rows (``np.sum(x, axis=0)``).
"""

from __future__ import annotations

import ast

from ..errors import UndeclaredStructure, UnsupportedSyntax
from ..ir import Atom, Const
from .scope import Scope, Value

# More elements than this are a loop, not a list: the code would grow with each.
MAX_UNROLLED = 256


class Comprehensions:
    """The lowerer's list comprehensions, generator expressions and ``sum``."""

    def expr_ListComp(
        self, node: ast.ListComp, scope: Scope, name: str | None
    ) -> Value:
        return self.unrolled(node, scope)

    def expr_GeneratorExp(
        self, node: ast.GeneratorExp, scope: Scope, name: str | None
    ) -> Value:
        self.fail(
            node,
            "a generator expression is supported only as the argument of sum(...)",
            "write a list comprehension: [... for i in range(n)]",
        )

    def unrolled(self, node: ast.ListComp | ast.GeneratorExp, scope: Scope) -> Value:
        """The elements, one per trip, each lowered with the variable bound to its value."""
        if len(node.generators) != 1:
            self.fail(
                node,
                "a comprehension with several `for` clauses is not supported",
                "nest them: [[... for j in range(m)] for i in range(n)]",
            )
        (loop,) = node.generators
        if loop.ifs or loop.is_async or not isinstance(loop.target, ast.Name):
            self.fail(
                loop.ifs[0] if loop.ifs else loop.target,
                "a comprehension takes one plain `for name in ...` clause here (no `if`)",
                "select with np.where, or write a for loop",
            )
        values = self.trip_values(loop.iter, scope)
        target = loop.target.id
        saved = self.block.env.get(target)
        elements = []
        for value in values:
            self.block.env[target] = value
            elements.append(self.expr(node.elt, scope))
        self.block.env.pop(target)
        if saved is not None:
            self.block.env[target] = saved
        return tuple(elements)

    def trip_values(self, iterable: ast.expr, scope: Scope) -> tuple[Value, ...]:
        """What the variable takes: the integers of a constant range, or the
        elements of a list or tuple of values."""
        is_range = (
            isinstance(iterable, ast.Call)
            and isinstance(iterable.func, ast.Name)
            and iterable.func.id == "range"
            and "range" not in self.block.env
            and not iterable.keywords
            and 1 <= len(iterable.args) <= 3
        )
        if is_range:
            bounds = [self.atom(a, scope) for a in iterable.args]  # type: ignore[attr-defined]
            if all(isinstance(b, Const) and isinstance(b.value, int) for b in bounds):
                values = range(*(b.value for b in bounds))  # type: ignore[union-attr]
                self.refuse_long(iterable, len(values))
                return tuple(Const(i) for i in values)
        else:
            value = self.expr(iterable, scope)
            if isinstance(value, tuple):
                self.refuse_long(iterable, len(value))
                return value
            rows = self.declared_rows(value)
            if rows is not None:  # an array parameter of declared length: its rows
                self.refuse_long(iterable, rows)
                return tuple(
                    self.emit("getitem", (value,), {"index": ast.Constant(i)}, None)
                    for i in range(rows)
                )
        is_parameter = (
            not is_range and isinstance(value, str) and value in self.declared
        )
        self.fail(
            iterable,
            f"the trip count of `for ... in {ast.unparse(iterable)}` is not known "
            "when compiling, so the comprehension cannot be unrolled",
            (
                f'declare its length, @adgen.shapes({value}="3"), or its structure '
                "if it is a list of arrays (the runtime API reads both from the "
                "arguments); or "
                if is_parameter
                else ""
            )
            + "use range(n) with n a constant, or write a for loop that fills "
            "y = np.zeros(...) with y[i] = ...",
            UndeclaredStructure if is_parameter else UnsupportedSyntax,
        )

    def refuse_long(self, node: ast.expr, count: int) -> None:
        if count > MAX_UNROLLED:
            self.fail(
                node,
                f"a comprehension of {count} elements would be unrolled into {count} "
                f"statements (at most {MAX_UNROLLED})",
                "write a for loop that fills y = np.zeros(...) with y[i] = ...",
            )

    def builtin_sum(self, node: ast.Call, scope: Scope, name: str | None) -> Atom:
        """Python's ``sum``: elements added in order; of an array, its rows."""
        if len(node.args) != 1 or node.keywords:
            self.fail(
                node,
                "sum(...) takes one argument here",
                "add a start value after the sum: sum(xs) + start",
            )
        (arg,) = node.args
        if isinstance(arg, ast.GeneratorExp):
            value = self.unrolled(arg, scope)
        else:
            value = self.expr(arg, scope)
        if not isinstance(value, tuple):
            return self.emit("sum", (value,), {"axis": 0}, name)
        if not value:
            return Const(0)
        elements = [self.as_array(v) for v in value]
        total = elements[0]
        for k, element in enumerate(elements[1:], start=2):
            total = self.emit(
                "add", (total, element), {}, name if k == len(elements) else None
            )
        return total
