"""Statements: assignments bind user names to values, each new value a new version.

``x += y`` becomes ``x_2 = add(x, y)``; ``a, b = b, a`` lowers both right
sides before binding either; ``y = x`` makes no equation (``y`` reads ``x``).
A body's early returns are first made structured (``exits.py``); ``if`` is in
``joins.py``, loops in ``loops.py``.
"""

from __future__ import annotations

import ast

from ..exits import structure_exits
from ..ir import Break, Origin
from .blocks import target_name
from .expressions import BINARY_OPS
from .scope import RETURN, Scope, Value


class Statements:
    """The lowerer's statements and the bodies they make up."""

    def body(self, statements: list[ast.stmt], scope: Scope) -> Value:
        """Normalize a checked body; return the atom its ``return`` statements yield."""
        fresh = {k: self.unused_identifier(k) for k in ("result", "returned")}
        for stmt in structure_exits(statements, fresh):
            self.statement(stmt, scope)
        return self.block.env[RETURN]

    def unused_identifier(self, base: str) -> str:
        """An identifier the user's code does not use (for the flags early returns need)."""
        while base in self.names.taken or base in self.block.env:
            base += "_"
        return base

    def statement(self, stmt: ast.stmt, scope: Scope) -> None:
        self.origin = self.origin_of(stmt, scope.helper)
        if isinstance(stmt, (ast.Pass, ast.Continue)):
            return  # `continue` ends its path already (see exits.py)
        structured = {
            ast.Expr: self.stmt_expr,  # print(...), or a docstring (effects.py)
            ast.Assert: self.stmt_assert,
            ast.Return: self.stmt_return,
            ast.If: self.stmt_if,
            ast.For: self.stmt_for,
            ast.While: self.stmt_while,
            ast.Break: self.stmt_break,
        }.get(type(stmt))
        if structured is not None:
            structured(stmt, scope)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Subscript):
            op = BINARY_OPS[type(stmt.op)]  # y[i] += v is y[i] = y[i] + v
            self.write(
                stmt.target,
                self.binary(op, stmt.target, stmt.value, scope, None),
                scope,
            )
        elif isinstance(stmt, ast.AugAssign):
            self.refuse_shared_update(stmt, scope)
            op, target = BINARY_OPS[type(stmt.op)], stmt.target
            value = self.binary(op, target, stmt.value, scope, target_name(target))
            self.bind(target, value)
        else:
            self.assign(stmt, scope)  # type: ignore[arg-type]

    def assign(self, stmt: ast.Assign | ast.AnnAssign, scope: Scope) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        hint = target_name(targets[0]) if len(targets) == 1 else None
        if (
            len(targets) == 1
            and isinstance(targets[0], ast.Tuple)
            and isinstance(stmt.value, ast.Tuple)
        ):
            value: Value = tuple(
                self.expr(v, scope, target_name(t))
                for t, v in self.pairs(targets[0], stmt.value)
            )
        else:
            value = self.expr(stmt.value, scope, hint)  # type: ignore[arg-type]
        for target in targets:
            if isinstance(target, ast.Subscript):
                self.write(target, value, scope)
            else:
                self.bind(target, value)

    def write(self, target: ast.Subscript, value: Value, scope: Scope) -> None:
        """``y[i] = v``: a new value of ``y``, ``y_2 = index_update(y, np.s_[i], v)``
        (check.py has made sure no other name sees ``y``'s array)."""
        name = target.value.id  # type: ignore[attr-defined]
        array = self.expr(target.value, scope)
        if isinstance(array, tuple) or self.is_number(array):
            self.fail(
                target,
                f"`{name}` is not an array here: only arrays take writes",
                f"build it as an array first: `{name} = np.zeros(n)`",
            )
        index = self.static_param("index", target.slice, scope)
        operands = (array, self.as_array(value))
        self.bind(
            target.value, self.emit("index_update", operands, {"index": index}, name)
        )

    def pairs(
        self, targets: ast.Tuple, values: ast.Tuple
    ) -> list[tuple[ast.expr, ast.expr]]:
        if len(targets.elts) != len(values.elts):
            self.fail(
                targets,
                f"cannot unpack {len(values.elts)} values into {len(targets.elts)} names",
                "match the counts",
            )
        return list(zip(targets.elts, values.elts, strict=False))

    def stmt_return(self, stmt: ast.Return, scope: Scope) -> None:
        value = self.expr(stmt.value, scope, scope.return_name)  # type: ignore[arg-type]
        self.block.env[RETURN] = value
        self.bound_at[RETURN] = self.origin

    def stmt_break(self, stmt: ast.Break, scope: Scope) -> None:
        loop = scope.loops[-1]
        self.carry(loop, self.block.env)
        loop.has_break = True
        self.block.eqns.append(Break(self.origin))
        self.block.exited = True

    def bind(self, target: ast.expr, value: Value) -> None:
        if isinstance(
            target, ast.Name
        ):  # a tuple too: `s = (2, 3)`, then `x.reshape(s)`
            self.block.env[target.id] = value
            self.bound_at[target.id] = self.origin
            return
        assert isinstance(target, (ast.Tuple, ast.List))
        if not isinstance(value, tuple):
            value = tuple(
                self.emit(
                    "getitem", (value,), {"index": ast.Constant(i)}, target_name(t)
                )
                for i, t in enumerate(target.elts)
            )
        if len(value) != len(target.elts):
            self.fail(
                target,
                f"cannot unpack {len(value)} values into {len(target.elts)} names",
                "match the counts",
            )
        for t, v in zip(target.elts, value, strict=False):
            self.bind(t, v)

    def origin_of(self, stmt: ast.stmt, helper: str | None = None) -> Origin:
        """The user's statement, as written; inside an inlined helper, prefixed by its name."""
        text = self.module.source.segment(stmt)
        prefix = f"in {helper}: " if helper else ""
        return Origin(stmt.lineno, stmt.col_offset, prefix + text)

    def header_origin(self, stmt: ast.stmt, helper: str | None) -> Origin:
        """``for i in range(n):``: the first line of a compound statement, for comments."""
        prefix = f"in {helper}: " if helper else ""
        text = self.module.source.line(stmt.lineno)[stmt.col_offset :].strip()
        return Origin(stmt.lineno, stmt.col_offset, prefix + text)
