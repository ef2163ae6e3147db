"""``if`` blocks and conditional expressions: each branch is lowered into a
block of its own, and a name the branches bind differently gets one merge
name after the ``If`` (assigned by a ``copy`` at the end of each branch: the
phi node of SSA).  A branch that breaks out of its loop merges nothing.
"""

from __future__ import annotations

import ast
from typing import Any

from ..ir import Atom, Eqn, If, Origin, rename
from .blocks import append_on_arriving_path, may_break, read_after
from .scope import Block, Scope, Value


class Joins:
    """The lowerer's blocks, branches and the merges after them."""

    def stmt_if(self, stmt: ast.If, scope: Scope) -> None:
        origin = self.header_origin(stmt, scope.helper)
        self.origin = origin
        cond = self.condition(stmt.test, scope)
        then = self.lower_block(stmt.body, scope)
        orelse = self.lower_block(stmt.orelse, scope)
        self.join(cond, then, orelse, origin, scope)

    def expr_IfExp(self, node: ast.IfExp, scope: Scope, name: str | None) -> Value:
        """``a if c else b``: an ``If`` whose branches compute one value each."""
        origin = self.origin
        cond = self.condition(node.test, scope)
        key = f"<{name or 'value'} if>"
        then = self.block_of(
            lambda: self.set_env(key, lambda: self.expr(node.body, scope, name))
        )
        orelse = self.block_of(
            lambda: self.set_env(key, lambda: self.expr(node.orelse, scope))
        )
        self.bound_at[key] = origin
        self.join(cond, then, orelse, origin, scope)
        return self.block.env.pop(key)

    def set_env(self, key: str, compute: Any) -> None:
        """``env[key] = compute()``, the environment read *after* computing:
        a conditional expression inside ``compute`` replaces it (its join)."""
        value = compute()
        self.block.env[key] = value

    def lower_block(self, stmts: list[ast.stmt], scope: Scope) -> Block:
        def run() -> None:
            for stmt in stmts:
                self.statement(stmt, scope)

        return self.block_of(run)

    def block_of(self, run: Any) -> Block:
        """Run ``run`` into a new block with its own copy of the environment."""
        outer = self.block
        self.block = Block([], dict(outer.env))
        run()
        inner, self.block = self.block, outer
        return inner

    def join(
        self, cond: Atom, then: Block, orelse: Block, origin: Origin, scope: Scope
    ) -> None:
        """Append the ``If``; names the two branches bind differently get one merge name."""
        if then.exited or orelse.exited:  # only the other path reaches the end
            arriving = [b for b in (then, orelse) if not b.exited]
            self.block.env = arriving[0].env if arriving else self.block.env
            self.block.exited = not arriving
            self.block.eqns.append(If(cond, then.eqns, orelse.eqns, [], origin))
            return
        merged: list[str] = []
        env = {}
        for key in dict.fromkeys([*then.env, *orelse.env]):
            a, b = then.env.get(key), orelse.env.get(key)
            if a is None or b is None:
                scope.out_of_scope[key] = (
                    f"is assigned in only one branch of the `{origin.text}` at line {origin.line}"
                )
                continue
            if a == b:
                env[key] = a
                continue
            if isinstance(a, tuple) or isinstance(b, tuple):
                scope.out_of_scope[key] = (
                    f"holds a tuple that differs between the branches of the `{origin.text}` at line {origin.line}"
                )
                continue
            target = self.merge_name(key, a, b, then, orelse, merged)
            for branch, value in ((then, a), (orelse, b)):
                self.assign_at_end(branch, target, value, key)
            merged.append(target)
            env[key] = target
        self.block.env = env
        statement = If(cond, then.eqns, orelse.eqns, merged, origin)
        if may_break(statement):  # each path records its own merged values
            statement.merged = []
        self.block.eqns.append(statement)

    def merge_name(
        self,
        key: str,
        a: Atom,
        b: Atom,
        then: Block,
        orelse: Block,
        taken: list[str],
    ) -> str:
        """The branch's own name for the value when it can be shared (``y`` in both), else new."""
        for value, branch in ((a, then), (b, orelse)):
            if _renamable(value, branch, taken):
                return value  # type: ignore[return-value]
        return self.names.user("out" if key.startswith("<") else key)

    def assign_at_end(self, branch: Block, target: str, value: Atom, key: str) -> None:
        """Give the branch's value the merge name: rename the equation that computes
        it, where nothing else needs its own name, else copy it at the end."""
        if value == target:
            return
        if _renamable(value, branch, []) and not read_after(branch, value):  # type: ignore[arg-type]
            mapping = {value: target}  # type: ignore[dict-item]
            branch.eqns[:] = rename(branch.eqns, mapping)
            branch.env = {
                k: mapping.get(v, v) if isinstance(v, str) else v
                for k, v in branch.env.items()
            }
            self.producers[target] = self.producers.get(value, "")  # type: ignore[arg-type]
            return
        copy_ = Eqn(target, "copy", (value,), (), self.bound_at.get(key))
        append_on_arriving_path(branch.eqns, copy_)


def _renamable(value: Atom, branch: Block, taken: list[str]) -> bool:
    """Is ``value`` computed by an equation of the branch itself (not before it)?"""
    return (
        isinstance(value, str)
        and value not in taken
        and any(isinstance(s, Eqn) and s.out == value for s in branch.eqns)
    )
