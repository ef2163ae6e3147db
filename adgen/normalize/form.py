"""The normal form's grammar (see the package docstring), checked after normalize."""

from __future__ import annotations

from ..ir import Const, Eqn, Function, If, Loop, Stmt
from ..primitives import PRIMITIVES


def assert_normal_form(fn: Function) -> None:
    """Check the grammar: names assigned before use, by known primitives, and
    only once, except merge and carried names (assigned by ``copy`` on each path)."""
    defined = _assert_block(fn.eqns, set(fn.params), set())
    assert isinstance(fn.output, Const) or fn.output in defined


def _assert_block(block: list[Stmt], defined: set[str], joins: set[str]) -> set[str]:
    defined = set(defined)
    for stmt in block:
        if isinstance(stmt, Eqn):
            assert stmt.prim in PRIMITIVES, stmt
            assert stmt.out not in defined or (
                stmt.prim == "copy" and stmt.out in joins
            ), f"{stmt.out} assigned twice"
            for arg in stmt.args:
                assert (
                    isinstance(arg, Const) or arg in defined
                ), f"{arg} used before assignment in {stmt}"
            defined.add(stmt.out)
        elif isinstance(stmt, If):
            assert isinstance(stmt.cond, Const) or stmt.cond in defined, stmt.cond
            inner = joins | set(stmt.merged)
            _assert_block(stmt.then, defined, inner)
            _assert_block(stmt.orelse, defined, inner)
            defined |= set(stmt.merged)
        elif isinstance(stmt, Loop):
            assert all(c in defined for c in stmt.carried), stmt.carried
            inner = joins | set(stmt.carried)
            tested = _assert_block(stmt.test, defined, inner)
            _assert_block(stmt.body, tested | {stmt.index} - {None}, inner)
    return defined
