"""``x += y`` where numpy would update an array in place that another name shares.

adgen never mutates: ``x += y`` makes a new value.  numpy changes the array
itself, so every other name for it changes too, and the two would differ.
These refusals stay in lowering, not in check.py, because they need what only
lowering knows: which names hold the same value right now (the environment),
which values are views (the primitive that made them), which are numbers
(immutable, so safe), and which are a helper's parameters.  The part that
reads the syntax alone, ``arrays_shared_in``, is check.py's.
"""

from __future__ import annotations

import ast

from ..check import arrays_shared_in
from ..errors import MutationNotSupported
from ..exits import walk_statements
from .diagnostics import op_symbol
from .scope import Scope

# Primitives whose result numpy may return as a view of their operand's memory.
VIEWS = {"getitem": "indexing", "transpose": "a transpose", "reshape": "reshape"}


class Aliases:
    """The lowerer's refusals of in-place updates that would show through another name."""

    def refuse_updates_in_loop(
        self, loop: ast.For | ast.While, numbers: set[str], scope: Scope
    ) -> None:
        """``x += y`` in a loop: refused wherever numpy might share ``x``'s array with
        another name at some trip, as ``refuse_shared_update`` does in straight-line
        code: an alias or a view made before the loop, one the body makes (it lives on
        into the next trip), or the array the loop iterates over.  A name that holds
        a number throughout the loop (``numbers``) is no array: its updates are safe."""
        updates = [
            n
            for n in walk_statements(loop.body)
            if isinstance(n, ast.AugAssign)
            and isinstance(n.target, ast.Name)
            and n.target.id not in numbers
        ]
        if not updates:
            return
        iterated = (
            loop.iter.id
            if isinstance(loop, ast.For) and isinstance(loop.iter, ast.Name)
            else None
        )
        sharers = arrays_shared_in(loop.body)
        for update in updates:
            name, op = update.target.id, op_symbol(update)  # type: ignore[attr-defined]
            hint = f"write `{name} = {name} {op} ...` to make a new array"
            if name == iterated:
                self.fail(
                    update,
                    f"`{name} {op}= ...` would change `{name}`, the array this loop goes through",
                    hint,
                    MutationNotSupported,
                )
            if name in sharers:
                other, line = sharers[name]
                self.fail(
                    update,
                    f"`{name} {op}= ...` in a loop would also change `{other}`, which line {line} makes the same array (or a view of it)",
                    hint,
                    MutationNotSupported,
                )
            self.refuse_shared_update(update, scope)  # names sharing it before the loop

    def refuse_shared_update(self, stmt: ast.AugAssign, scope: Scope) -> None:
        """``x += y`` updates an array in place: numpy changes every other name for
        that array too. adgen makes ``x`` a new value (it never mutates), so it refuses
        wherever the two would differ: another name for the same array, a view
        (``b = a[:2]``, ``a.T``, ``a.reshape``), or a helper's parameter (the caller's array).
        """
        name = stmt.target.id  # type: ignore[attr-defined]  # check allows only names here
        env = self.block.env
        current = env.get(name)
        if current is None or self.is_number(current):
            return  # a number: `x += y` makes a new one, as adgen does
        op = op_symbol(stmt)
        shared = sorted(
            k
            for k, v in env.items()
            if k != name and v == current and isinstance(v, str)
        )
        if shared:
            reason = f"would also change `{shared[0]}`, the same array"
        elif isinstance(current, str) and self.producers.get(current) in VIEWS:
            reason = f"would write through `{name}`, a view of another array (made by {VIEWS[self.producers[current]]})"
        elif isinstance(current, str) and scope.helper_params.get(name) == current:
            reason = (
                "would change the caller's array, which this helper parameter refers to"
            )
        else:
            return
        self.fail(
            stmt,
            f"`{name} {op}= ...` {reason}",
            f"write `{name} = {name} {op} ...` to make a new array",
            MutationNotSupported,
        )
