"""Conditions: ``not``, ``and``, ``or`` and chained comparisons, short-circuiting.

A condition carries no derivative, so its value may be any truth value.
``a and b`` lowers to one equation, ``n3 = n1 and n2``, when computing ``b``
cannot fail (comparisons, ``len``, shapes); else ``b`` is computed in a branch
taken only when ``a`` is true, as Python would: ``i < n and x[i] > 0`` never
reads ``x[n]``.  ``a < b < c`` is ``a < b and b < c``, ``b`` computed once.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ..ir import Atom, Const, Eqn
from .scope import Scope, Value

# Equations a right operand may compute before the left one is tested: they
# cannot raise where the left operand is false.
CANNOT_FAIL = {
    *("gt", "lt", "ge", "le", "eq", "ne"),
    *("not_", "and_", "or_", "len", "shape", "ndim", "size"),
}
BOOL_OPS = {ast.And: "and_", ast.Or: "or_"}


def is_truth_value(node: ast.expr) -> bool:
    """Does ``node`` evaluate to a bool whatever its operands hold?"""
    if isinstance(node, ast.BoolOp):
        return all(is_truth_value(v) for v in node.values)
    if isinstance(node, ast.Constant):
        return isinstance(node.value, bool)
    return isinstance(node, ast.Compare) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    )


class Conditions:
    """The lowerer's tests of ``if``, ``while`` and conditional expressions."""

    def condition(self, node: ast.expr, scope: Scope) -> Atom:
        """The truth value of a test: ``and``/``or`` may pick any operand here."""
        if isinstance(node, ast.BoolOp):
            return self.bool_op(node, scope, None)
        return self.atom(node, scope)

    def expr_BoolOp(self, node: ast.BoolOp, scope: Scope, name: str | None) -> Value:
        """``a and b`` as a value: only between truth values (it picks an operand)."""
        for operand in node.values:
            if not is_truth_value(operand):
                self.fail(
                    operand,
                    f"`{ast.unparse(node)}` gives one of its operands, not a truth value: "
                    "adgen reads `and`/`or` in conditions and between comparisons",
                    "test it in an `if`, or write `a if a else b` / np.logical_and(a, b)",
                )
        return self.bool_op(node, scope, name)

    def bool_op(self, node: ast.BoolOp, scope: Scope, name: str | None) -> Atom:
        prim = BOOL_OPS[type(node.op)]
        value = self.condition(node.values[0], scope)
        for k, right in enumerate(node.values[1:], start=2):
            last = k == len(node.values)
            value = self.short_circuit(
                prim,
                value,
                lambda r=right: self.condition(r, scope),
                scope,
                name if last else None,
            )
        return value

    def negation(self, node: ast.UnaryOp, scope: Scope, name: str | None) -> Atom:
        """``not c``: a bool, whatever ``c`` holds."""
        operand = self.condition(node.operand, scope)
        if isinstance(operand, Const):
            return Const(not operand.value)
        return self.emit("not_", (operand,), {}, name)

    def comparison_chain(
        self, node: ast.Compare, ops: list[str], scope: Scope, name: str | None
    ) -> Atom:
        """``a < b < c``: ``a < b and b < c``, each operand computed once, and
        ``c`` only when ``a < b``."""

        def compare(left: Atom, k: int, name: str | None) -> Atom:
            right = self.atom(node.comparators[k], scope)
            if k == len(ops) - 1:
                return self.emit(ops[k], (left, right), {}, name)
            value = self.emit(ops[k], (left, right), {}, None)
            rest = lambda: compare(right, k + 1, None)  # noqa: E731
            return self.short_circuit("and_", value, rest, scope, name)

        return compare(self.atom(node.left, scope), 0, name)

    def short_circuit(
        self,
        prim: str,
        left: Atom,
        compute_right: Callable[[], Atom],
        scope: Scope,
        name: str | None,
    ) -> Atom:
        """``left and right`` / ``left or right``, ``right`` computed only where
        Python would compute it."""
        if isinstance(left, Const):  # decided at compile time
            decided = bool(left.value) == (prim == "or_")
            return left if decided else compute_right()
        key = f"<{prim} {self.next_index}>"
        right = self.block_of(lambda: self.set_env(key, compute_right))
        if all(isinstance(s, Eqn) and s.prim in CANNOT_FAIL for s in right.eqns):
            self.block.eqns.extend(right.eqns)
            return self.emit(prim, (left, right.env[key]), {}, name)
        kept = self.block_of(lambda: self.block.env.__setitem__(key, left))
        then, orelse = (right, kept) if prim == "and_" else (kept, right)
        self.bound_at[key] = self.origin
        self.join(left, then, orelse, self.origin, scope)
        return self.block.env.pop(key)
