"""What lowering a statement depends on: the scope passed down, the block being written.

``Scope`` is immutable: a helper's body is lowered in a new scope made with
``dataclasses.replace``, and the caller's scope is simply still there when the
call returns (nothing to save and restore).  ``Block`` is the one mutable
thing: the statements being written and the environment they build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..ir import Atom, Stmt

Value = Atom | tuple  # a tuple only for tuple expressions and helpers returning them
RETURN = "<return>"  # the environment's key for the value a path returns


@dataclass
class LoopContext:
    """A loop being lowered: the names it carries, and whether a path breaks out."""

    carried: dict[str, str]  # user name -> carried name
    has_break: bool = False


@dataclass(frozen=True)
class Scope:
    """Where code is being lowered: the function's own body, or an inlined helper's.

    ``out_of_scope`` is filled as the body is lowered (a name assigned in one
    branch only, a loop's variable after the loop); a helper has its own."""

    helper: str | None = None  # the inlined helper, named in its statements' origins
    return_name: str | None = None  # what the helper's result is called
    helper_params: Mapping[str, Value] = field(
        default_factory=dict
    )  # as the call bound them
    out_of_scope: dict[str, str] = field(
        default_factory=dict
    )  # name -> why no value here
    loops: tuple[LoopContext, ...] = ()  # the loops around the code, innermost last

    def in_loop(self, loop: LoopContext) -> Scope:
        """The scope of ``loop``'s body."""
        return replace(self, loops=(*self.loops, loop))


@dataclass
class Block:
    """A block being written: its statements, the environment (user name -> value),
    and whether every path through it has left its loop (``break``)."""

    eqns: list[Stmt]
    env: dict[str, Value]
    exited: bool = False
