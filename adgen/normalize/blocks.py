"""Small facts about blocks: the names a block of source assigns, and where
the paths through a lowered block go (does one break out of its loop?)."""

from __future__ import annotations

import ast

from ..ir import Break, If, Stmt
from .scope import Block


def assigned_names(stmts: list[ast.stmt]) -> list[str]:
    """User names a block assigns (loop variables included), in order of appearance;
    a write ``y[i] = v`` assigns ``y`` (it makes a new value of ``y``)."""
    names = []
    for stmt in stmts:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store):
                n = n.value
                if isinstance(n, ast.Name):
                    names.append(n.id)
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                names.append(n.id)
    return list(dict.fromkeys(names))


def loop_variable(stmt: ast.For | ast.While) -> str | None:
    return stmt.target.id if isinstance(stmt, ast.For) else None  # type: ignore[attr-defined]


def target_name(target: ast.expr) -> str | None:
    return target.id if isinstance(target, ast.Name) else None


def append_on_arriving_path(block: list[Stmt], stmt: Stmt) -> None:
    """Append ``stmt`` where the paths that reach the end of ``block`` run: after an
    ``if`` one of whose branches breaks out, that is inside the other branch."""
    last = block[-1] if block else None
    if isinstance(last, If) and may_break(last):
        for branch in (last.then, last.orelse):
            if not breaks_out(branch):
                append_on_arriving_path(branch, stmt)
        return
    block.append(stmt)


def may_break(stmt: If) -> bool:
    """Does some path through the ``If`` break out of the enclosing loop?"""
    return any(
        isinstance(s, Break) or (isinstance(s, If) and may_break(s))
        for s in [*stmt.then, *stmt.orelse]
    )


def breaks_out(block: list[Stmt]) -> bool:
    """Does every path through ``block`` end in ``break``?"""
    last = block[-1] if block else None
    if isinstance(last, Break):
        return True
    return isinstance(last, If) and breaks_out(last.then) and breaks_out(last.orelse)


def read_after(branch: Block, value: str) -> bool:
    """Is ``value`` still needed under its own name: bound to another user variable?"""
    return sum(1 for v in branch.env.values() if v == value) > 1
