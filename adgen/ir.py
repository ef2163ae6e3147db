"""The intermediate representation shared by every pass after parsing.

A function becomes a flat list of equations (``Eqn``), one primitive operation
each, in evaluation order: the nodes of the lecture's computation graph.
Operands are atoms: a variable name or a constant.  Static parameters
(``axis``, ``keepdims``, an index, a shape) are plain Python values or small
AST expressions over inactive names.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Const:
    """A literal operand such as ``2`` or ``0.5``."""

    value: Any

    def __str__(self) -> str:
        return repr(self.value)


Atom = str | Const  # a variable name, or a constant


@dataclass(frozen=True)
class Origin:
    """Where in the user's file an equation came from."""

    line: int
    col: int
    text: str  # the user's statement, stripped, for comments


@dataclass(frozen=True)
class Eqn:
    """``out = prim(*args, **params)``: one node of the computation graph."""

    out: str
    prim: str
    args: tuple[Atom, ...]
    params: tuple[tuple[str, Any], ...] = ()
    origin: Origin | None = None

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    def variables(self) -> list[str]:
        """Names this equation reads: its variable operands and names in static params."""
        names = [a for a in self.args if isinstance(a, str)]
        for _, value in self.params:
            if isinstance(value, ast.AST):
                names += [n.id for n in ast.walk(value) if isinstance(n, ast.Name)]
        return names


@dataclass
class Function:
    """A normalized function: parameters, equations, and the returned atom."""

    name: str
    params: list[str]
    eqns: list[Eqn]
    output: Atom
    wrt: list[str]
    shapes: dict[str, tuple | None] = field(
        default_factory=dict
    )  # declared by annotations
    path: str = ""
