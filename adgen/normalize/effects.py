"""Statements kept for their effect: ``print(...)`` and ``assert test, "message"``.

Each becomes one equation that computes nothing the output reads (the records
are in ``primitives/effects.py``): ``print``'s operands are the values it
prints, lowered like any operand (a literal string is a constant); ``assert``'s
is the truth value of its test, lowered as an ``if``'s condition is
(``conditions.py``), so ``assert len(x) == 3`` reads a shape and ``assert
np.all(x > 0)`` a mask, computed in the forward sweep; neither has a derivative.
An ``assert`` whose test is a constant true value makes no equation.
check.py (through ``check_effects.py``) has refused every other expression statement.
"""

from __future__ import annotations

import ast

from ..ir import Atom, Const
from .scope import Scope


class Effects:
    """The lowerer's ``print`` calls and ``assert`` statements."""

    def stmt_expr(self, stmt: ast.Expr, scope: Scope) -> None:
        """``print(a, "text", b, sep=", ")``; any other expression statement is
        a docstring (check.py refused the rest)."""
        call = stmt.value
        if not isinstance(call, ast.Call):
            return
        values = tuple(self.printed(a, scope) for a in call.args)
        keywords = {k.arg: k.value.value for k in call.keywords}  # type: ignore[attr-defined]
        self.emit("print", values, keywords, None)

    def printed(self, node: ast.expr, scope: Scope) -> Atom:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return Const(node.value)
        value = self.expr(node, scope)
        if isinstance(value, tuple):
            self.fail(
                node,
                f"`{ast.unparse(node)}` is a tuple, list or dict: adgen prints one "
                "array or number per argument",
                "print each value: print(a, b)",
            )
        return value

    def stmt_assert(self, stmt: ast.Assert, scope: Scope) -> None:
        test = self.condition(stmt.test, scope)
        if isinstance(test, Const) and test.value:
            return
        message = None if stmt.msg is None else stmt.msg.value  # type: ignore[attr-defined]
        self.emit("assert", (test,), {"message": message}, None)
