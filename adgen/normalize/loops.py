"""Loops: every variable the body reassigns is carried through a name of its own.

``for i in range(n): h = h * w`` lowers to ``h_2 = copy(h)`` before the loop,
the body reading ``h_2``, and ``h_2 = copy(h_3)`` at the end of every path
through the body (and before each ``break``): the loop's phi nodes.  The
copies at one point happen at once, as in ``x, y = y, x``.
"""

from __future__ import annotations

import ast
from typing import Any

from ..errors import UndeclaredStructure
from ..ir import Atom, Eqn, Loop, Origin, Stmt
from ..structures import Record
from .blocks import append_on_arriving_path, assigned_names, loop_variable
from .numbers import assigned_values, is_arithmetic
from .scope import LoopContext, Scope


class Loops:
    """The lowerer's ``for`` and ``while`` loops, and the names they carry."""

    def stmt_for(self, stmt: ast.For, scope: Scope) -> None:
        origin = self.header_origin(stmt, scope.helper)
        self.origin = origin
        it = stmt.iter
        is_range = (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id == "range"
            and "range" not in self.block.env
            and "range" not in self.module.functions
        )
        unpacks = not isinstance(stmt.target, ast.Name)
        # enumerate(xs) or zip(...) unpacked: refused below, before reading the call
        skip = is_range or (unpacks and isinstance(it, ast.Call))
        items = None if skip else self.expr(it, scope)
        if isinstance(items, tuple):  # the items of a container: for W, b in layers
            return self.unrolled_for(stmt, items, scope)
        if unpacks and isinstance(it, ast.Name):  # a list of pairs, not declared
            self.fail(
                stmt.target,
                f"`for ... in {it.id}` unpacks the items of `{it.id}`, whose "
                "structure is not declared",
                f'declare it, @adgen.shapes({it.id}=[("3 4", "4"), ...]) or --like '
                "(the runtime API reads it from the arguments); or loop over an index",
                cls=UndeclaredStructure,
            )
        if unpacks:  # enumerate(xs), zip(...)
            self.fail(
                stmt.target,
                "a `for` loop must bind one plain name (unpacking is for the items "
                "of a container parameter or a tuple)",
                "loop over an index (`for i in range(len(xs))`) and unpack inside the loop",
            )
        target = stmt.target.id
        if is_range:
            if not 1 <= len(it.args) <= 3 or it.keywords:  # type: ignore[attr-defined]
                self.fail(
                    it,
                    "range() takes one to three integers here",
                    "write range(n), range(a, b) or range(a, b, step)",
                )
            bounds = tuple(self.atom(a, scope) for a in it.args)  # type: ignore[attr-defined]
            index = self.names.user(target)
            self.numbers.add(index)  # an int
            prelude = lambda: self.block.env.__setitem__(target, index)  # noqa: E731
        else:  # the first axis of an array: for row in X
            array = items
            bounds = (self.emit("len", (array,), {}, None),)
            index = self.names.user(f"{target}_index")

            def prelude() -> None:
                self.origin = origin
                index_ast = ast.Name(index, ast.Load())
                self.block.env[target] = self.emit(
                    "getitem", (array,), {"index": index_ast}, target
                )

        self.loop(stmt, scope, origin, prelude, index=index, bounds=bounds)
        scope.out_of_scope[target] = (
            f"is the variable of the loop at line {origin.line}; adgen gives it no value after the loop"
        )
        self.block.env.pop(target, None)

    def unrolled_for(self, stmt: ast.For, items: tuple, scope: Scope) -> None:
        """``for W, b in layers`` over a container (or tuple) of known length: the
        body once per item, the target bound to it, as Python leaves it after."""
        if isinstance(items, Record):
            self.fail(
                stmt.iter,
                "a loop over a dict goes over its keys, which adgen does not follow",
                'read the entries by key: `params["W"]`',
            )
        exits = (ast.Break, ast.Continue, ast.Return)
        if any(isinstance(n, exits) for s in stmt.body for n in ast.walk(s)):
            self.fail(
                stmt,
                "a loop over the items of a container is unrolled, and cannot "
                "break, continue or return",
                "compute the value in the loop and decide after it",
            )
        for item in items:
            self.origin = self.header_origin(stmt, scope.helper)
            self.bind(stmt.target, item)
            for inner in stmt.body:
                self.statement(inner, scope)

    def stmt_while(self, stmt: ast.While, scope: Scope) -> None:
        origin = self.header_origin(stmt, scope.helper)
        self.loop(stmt, scope, origin, lambda: None, test=stmt.test)

    def loop(
        self,
        stmt: ast.For | ast.While,
        scope: Scope,
        origin: Origin,
        prelude: Any,
        index: str | None = None,
        bounds: tuple[Atom, ...] = (),
        test: ast.expr | None = None,
    ) -> None:
        """Carry every variable the body reassigns through a name of its own, then
        normalize the body; the carried names are copied at the end of every path."""
        self.loop_count += 1
        label = f"loop{self.loop_count}"
        self.origin = origin
        numbers = self.numbers_in_loop(stmt)
        self.refuse_updates_in_loop(stmt, numbers, scope)
        context = LoopContext(self.carry_in(stmt, numbers, origin))
        cond = None
        test_block: list[Stmt] = []
        if test is not None:
            tested = self.block_of(
                lambda: self.set_env("<test>", lambda: self.condition(test, scope))
            )
            test_block, cond = tested.eqns, tested.env["<test>"]
        inner = scope.in_loop(context)

        def run() -> None:
            prelude()
            for s in stmt.body:
                self.statement(s, inner)

        body = self.block_of(run)
        if not body.exited:
            self.carry(context, body.env, body.eqns)
        for key in assigned_names(stmt.body):
            if key not in context.carried and key not in self.block.env:
                scope.out_of_scope[key] = (
                    f"is assigned only inside the loop at line {origin.line}"
                )
        carried = list(context.carried.values())
        self.block.eqns.append(
            Loop(
                label,
                body.eqns,
                carried,
                index,
                bounds,
                test_block,
                cond,
                context.has_break,
                origin,
            )
        )

    def carry_in(
        self, stmt: ast.For | ast.While, numbers: set[str], origin: Origin
    ) -> dict[str, str]:
        """Copy each variable the body reassigns into its carried name, before the
        loop; return user name -> carried name."""
        carried = {}
        for key in assigned_names(stmt.body):
            if key in self.block.env and key != loop_variable(stmt):
                value = self.block.env[key]
                if isinstance(value, tuple):
                    self.fail(
                        stmt,
                        f"`{key}` holds a tuple and is reassigned in the loop",
                        "keep tuples out of loops: use separate names",
                    )
                carried[key] = self.names.user(key)
                self.block.eqns.append(Eqn(carried[key], "copy", (value,), (), origin))
                self.block.env[key] = carried[key]
                if key in numbers:
                    self.numbers.add(carried[key])
        return carried

    def carry(
        self, loop: LoopContext, env: dict, block: list[Stmt] | None = None
    ) -> None:
        """Copy each carried variable's current value into its carried name.

        The copies happen at once, as in ``x, y = y, x``: a carried name that an
        earlier copy overwrites is read through a temporary saved before them."""
        block = self.block.eqns if block is None else block
        copies = []
        for key, name in loop.carried.items():
            value = env[key]
            if isinstance(value, tuple):
                self.fail_at(
                    self.bound_at.get(key),
                    f"`{key}` becomes a tuple inside the loop",
                    "keep tuples out of loops: use separate names",
                )
            if value != name:
                copies.append((key, name, value))
        overwritten: set[Atom] = set()
        saved: dict[Atom, str] = {}
        for key, name, value in copies:
            if value in overwritten and value not in saved:
                saved[value] = self.names.user(key)
                origin = self.bound_at.get(key, self.origin)
                append_on_arriving_path(
                    block, Eqn(saved[value], "copy", (value,), (), origin)
                )
            overwritten.add(name)
        for key, name, value in copies:
            copy_ = Eqn(
                name,
                "copy",
                (saved.get(value, value),),
                (),
                self.bound_at.get(key, self.origin),
            )
            append_on_arriving_path(block, copy_)

    def numbers_in_loop(self, loop: ast.For | ast.While) -> set[str]:
        """The names the body of ``loop`` assigns that hold numbers on every trip:
        a number before the loop (or not bound before it), and every value the
        body assigns to them arithmetic on numbers, given the same of the others
        (the largest such set, read from the syntax)."""
        assigned = assigned_values(loop)
        env = self.block.env
        before = {
            k for k, v in env.items() if not isinstance(v, tuple) and self.is_number(v)
        }
        constants = {
            k
            for k, v in self.module.constants.items()
            if isinstance(ast.literal_eval(v), (int, float))
        }
        numbers = {k for k in assigned if k in before or k not in env}
        changed = True
        while changed:
            known = numbers | (before - assigned.keys()) | (constants - env.keys())
            kept = {
                k
                for k in numbers
                if all(is_arithmetic(v, known, self.module) for v in assigned[k])
            }
            changed, numbers = kept != numbers, kept
        return numbers
