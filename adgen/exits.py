"""Early exits (``return`` in a branch or loop, ``break``, ``continue``) made structured.

Run on a function body's AST before normalizing, so that every later pass sees
branches that *end* where control leaves them:

1. A ``return`` inside a loop becomes ``<result> = value; <returned> = True;
   break``; after that loop, ``if <returned>: return <result>`` (or ``break``,
   when the loop sits inside another loop).
2. Whatever follows an ``if`` that may exit moves into the paths of that
   ``if`` that do not exit::

       if c:                 if c:
           return a    ->        return a
       y = g(x)              else:
       return y                  y = g(x)
                                 return y

   After this, every ``return``, ``break`` and ``continue`` is the last
   statement of its path, so the reverse sweep knows exactly which statements
   ran from the branch taken alone.  A continuation reached by several paths is
   copied into each (rare: only when an exit is nested two ``if`` deep).  Such
   copies multiply with each exit nested so, and past ``MAX_COPIED_NODES``
   copied nodes ``TooMuchCopying`` stops the pass (limits.py reports it).
"""

from __future__ import annotations

import ast
import copy

EXITS = (ast.Return, ast.Break, ast.Continue)
MAX_COPIED_NODES = 20_000  # nodes copied into several paths, in one function (each becomes code 2 to 3 times)


class TooMuchCopying(Exception):
    """Moving the code after exits into each path would copy too much; ``stmt`` is
    the ``if`` whose continuation went past the limit."""

    def __init__(self, stmt: ast.stmt):
        super().__init__(stmt)
        self.stmt = stmt


class _Copies:
    """Counts the nodes copied for one function, and copies no more than the limit."""

    def __init__(self) -> None:
        self.nodes = 0

    def of(self, stmts: list[ast.stmt], at: ast.stmt) -> list[ast.stmt]:
        self.nodes += sum(1 for s in stmts for _ in ast.walk(s))
        if self.nodes > MAX_COPIED_NODES:
            raise TooMuchCopying(at)
        return copy.deepcopy(stmts)


def structure_exits(body: list[ast.stmt], fresh: dict[str, str]) -> list[ast.stmt]:
    """``body`` with early exits rewritten (see the module docstring).

    ``fresh`` gives unused identifiers for the ``result`` and ``returned``
    variables that a ``return`` inside a loop needs.
    """
    body = copy.deepcopy(body)
    if _returns_in_loops(body):
        body = _lower_loop_returns(body, fresh, in_loop=False)
        body = [*_flag_init(fresh, body[0]), *body]
    return _nest(body, _Copies())


def may_exit(stmts: list[ast.stmt]) -> bool:
    """Does some path through ``stmts`` leave it early (return/break/continue)?

    A ``break`` inside a nested loop leaves only that loop, so loops are not
    looked into."""
    return any(
        isinstance(stmt, EXITS)
        or (isinstance(stmt, ast.If) and (may_exit(stmt.body) or may_exit(stmt.orelse)))
        for stmt in stmts
    )


def walk_statements(stmts: list[ast.stmt]):
    """Every node of every statement in ``stmts``."""
    for stmt in stmts:
        yield from ast.walk(stmt)


def _returns_in_loops(body: list[ast.stmt]) -> bool:
    return any(
        isinstance(loop, (ast.For, ast.While))
        and any(isinstance(n, ast.Return) for n in walk_statements(loop.body))
        for loop in walk_statements(body)
    )


def _flag_init(fresh: dict[str, str], near: ast.stmt) -> list[ast.stmt]:
    """``returned = False; result = 0.0`` at the top: both are carried through loops."""
    stmts = [
        ast.Assign([_name(fresh["returned"], ast.Store())], ast.Constant(False)),
        ast.Assign([_name(fresh["result"], ast.Store())], ast.Constant(0.0)),
    ]
    return [ast.copy_location(s, near) for s in stmts]


def _lower_loop_returns(
    stmts: list[ast.stmt], fresh: dict[str, str], in_loop: bool
) -> list[ast.stmt]:
    out: list[ast.stmt] = []
    for stmt in stmts:
        if isinstance(stmt, ast.Return) and in_loop:
            out += _return_as_break(stmt, fresh)
            continue
        if isinstance(stmt, ast.If):
            stmt.body = _lower_loop_returns(stmt.body, fresh, in_loop)
            stmt.orelse = _lower_loop_returns(stmt.orelse, fresh, in_loop)
        elif isinstance(stmt, (ast.For, ast.While)):
            returns = any(isinstance(n, ast.Return) for n in walk_statements(stmt.body))
            stmt.body = _lower_loop_returns(stmt.body, fresh, in_loop=True)
            out.append(stmt)
            if returns:
                out.append(_after_loop(stmt, fresh, in_loop))
            continue
        out.append(stmt)
    return out


def _return_as_break(ret: ast.Return, fresh: dict[str, str]) -> list[ast.stmt]:
    stmts = [
        ast.Assign([_name(fresh["result"], ast.Store())], ret.value),
        ast.Assign([_name(fresh["returned"], ast.Store())], ast.Constant(True)),
        ast.Break(),
    ]
    return [ast.copy_location(s, ret) for s in stmts]


def _after_loop(loop: ast.stmt, fresh: dict[str, str], in_loop: bool) -> ast.If:
    """``if returned: return result`` (or ``break`` out of the enclosing loop too)."""
    leave: ast.stmt = (
        ast.Break() if in_loop else ast.Return(_name(fresh["result"], ast.Load()))
    )
    test = _name(fresh["returned"], ast.Load())
    node = ast.If(test, [ast.copy_location(leave, loop)], [])
    for n in ast.walk(node):
        ast.copy_location(n, loop)
    return node


def _nest(stmts: list[ast.stmt], copies: _Copies) -> list[ast.stmt]:
    """Move what follows an ``if`` that may exit into its non-exiting paths."""
    out: list[ast.stmt] = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ast.If):
            stmt.body = _nest(stmt.body, copies)
            stmt.orelse = _nest(stmt.orelse, copies)
            rest = stmts[i + 1 :]
            if rest and (may_exit(stmt.body) or may_exit(stmt.orelse)):
                rest = _nest(rest, copies)
                _continue_both(stmt, rest, copies)
                out.append(stmt)
                return out
        elif isinstance(stmt, (ast.For, ast.While)):
            stmt.body = _nest(stmt.body, copies)
        out.append(stmt)
        if isinstance(stmt, EXITS):
            return out  # code after an exit never runs
    return out


def _continue_both(stmt: ast.If, rest: list[ast.stmt], copies: _Copies) -> None:
    """``rest`` after both paths of ``stmt``; copied only where both continue
    (a chain of guards, ``if c: return a``, moves each continuation once)."""
    if _falls_through(stmt.body) and _falls_through(stmt.orelse):
        _continue_with(stmt.body, rest, copies)
        _continue_with(stmt.orelse, copies.of(rest, stmt), copies)
    else:
        _continue_with(stmt.body, rest, copies)
        _continue_with(stmt.orelse, rest, copies)


def _falls_through(block: list[ast.stmt]) -> bool:
    """Does some path through ``block`` reach its end (so ``_continue_with`` uses
    the continuation)?"""
    while block:
        last = block[-1]
        if isinstance(last, EXITS):
            return False
        if not (
            isinstance(last, ast.If) and (may_exit(last.body) or may_exit(last.orelse))
        ):
            return True
        if _falls_through(last.body):
            return True
        block = last.orelse
    return True


def _continue_with(
    block: list[ast.stmt], rest: list[ast.stmt], copies: _Copies
) -> None:
    """Append ``rest`` to every path through ``block`` that does not exit."""
    last = block[-1] if block else None
    if isinstance(last, EXITS):
        return
    if isinstance(last, ast.If) and (may_exit(last.body) or may_exit(last.orelse)):
        _continue_both(last, rest, copies)
        return
    block.extend(rest)


def _name(identifier: str, ctx: ast.expr_context) -> ast.Name:
    return ast.Name(identifier, ctx)
