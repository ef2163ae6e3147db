"""The intermediate representation shared by every pass after parsing.

A function becomes a list of equations (``Eqn``), one primitive operation
each, in evaluation order: the nodes of the lecture's computation graph.
Operands are atoms: a variable name or a constant.  Static parameters
(``axis``, ``keepdims``, an index, a shape) are plain Python values or small
AST expressions over inactive names.

Control flow keeps its structure: an ``If`` or a ``Loop`` holds lists of
statements (``Stmt``) of its own.  Inside them names are still assigned once
per execution, with two deliberate exceptions that play the part of SSA's
phi nodes, both written as ``copy`` equations the passes recognise:

* a *merge* name is assigned at the end of each branch of an ``If``
  (``y`` after ``if c: y = a * b else: y = a + b``);
* a *carried* name is assigned before a loop and at the end of every path
  through its body (``h_2 = h`` before ``for``, ``h_2 = h_3`` at the end).

Straight-line code has no ``If`` or ``Loop``: its body is a flat list of Eqns.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from typing import Any

from .structures import leaf_names


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
    eqns: list[Stmt]  # the body; flat (only Eqns) for straight-line code
    output: Atom
    wrt: list[str]
    shapes: dict[str, tuple | None] = field(
        default_factory=dict
    )  # declared by annotations
    path: str = ""
    numbers: list[str] = field(
        default_factory=list
    )  # the parameters annotated `float` or `int`: Python numbers
    # ``def f(x, scale=2.0)``: parameter -> its default, kept by the generated code
    defaults: dict[str, Const] = field(default_factory=dict)
    # has_aux: what the function returns beside ``output``, passed through, not
    # differentiated: an atom, or a tuple, list or dict of them (structures.py)
    has_aux: bool = False
    aux: Any = None
    # a parameter that is a container of arrays -> the structure of the leaf
    # parameters standing for it in ``params`` (containers.py)
    containers: dict[str, Any] = field(default_factory=dict)
    # module variables computed when the file runs, read as parameters (the last
    # ones of ``params``, each named as the variable): constants, never wrt
    inputs: tuple[str, ...] = ()

    def returned_names(self) -> set[str]:
        """The variables the function returns: its output, and its aux values."""
        found = {self.output} if isinstance(self.output, str) else set()
        return found | leaf_names(self.aux)


@dataclass
class If:
    """``if cond: then else: orelse``; ``merged`` names are assigned on every
    path that reaches the end of the statement, and read after it."""

    cond: Atom
    then: list[Stmt]
    orelse: list[Stmt]
    merged: list[str]
    origin: Origin | None = None


@dataclass
class Loop:
    """``for index in range(*bounds)`` or, with ``cond``, a ``while`` loop.

    ``carried`` names hold the user's variables across iterations (assigned
    by ``copy`` before the loop and at the end of each path through the body).
    A ``while`` loop computes its condition with ``test`` before the first
    iteration and again at the end of each one.
    """

    label: str  # loop1, loop2, ... in order of appearance: names its trip counter
    body: list[Stmt]
    carried: list[str]
    index: str | None = None  # the for loop's variable
    bounds: tuple[Atom, ...] = ()  # range(*bounds)
    test: list[Stmt] = field(default_factory=list)
    cond: Atom | None = None  # a while loop's condition, computed by ``test``
    has_break: bool = False
    origin: Origin | None = None

    @property
    def is_while(self) -> bool:
        return self.cond is not None


@dataclass(frozen=True)
class Break:
    """``break``: leaves the innermost loop (its carried names are already copied)."""

    origin: Origin | None = None


Stmt = Eqn | If | Loop | Break


def all_eqns(body: list[Stmt]) -> list[Eqn]:
    """Every equation in ``body``, nested ones included, in program order."""
    found: list[Eqn] = []
    for stmt in body:
        if isinstance(stmt, Eqn):
            found.append(stmt)
        elif isinstance(stmt, If):
            found += all_eqns(stmt.then) + all_eqns(stmt.orelse)
        elif isinstance(stmt, Loop):
            found += all_eqns(stmt.test) + all_eqns(stmt.body)
    return found


def structures(body: list[Stmt]) -> list[If | Loop]:
    """Every ``if`` and loop in ``body``, nested ones included, outer before inner."""
    found: list[If | Loop] = []
    for stmt in body:
        if isinstance(stmt, If):
            found += [stmt, *structures(stmt.then), *structures(stmt.orelse)]
        elif isinstance(stmt, Loop):
            found += [stmt, *structures(stmt.body)]
    return found


def loops(body: list[Stmt]) -> list[Loop]:
    """Every loop in ``body``, nested ones included, outer before inner."""
    return [s for s in structures(body) if isinstance(s, Loop)]


def has_control_flow(body: list[Stmt]) -> bool:
    return any(not isinstance(s, Eqn) for s in body)


def structure_reads(stmt: If | Loop) -> list[str]:
    """Names a structure reads to decide its path: a condition, a loop's bounds."""
    atoms = [stmt.cond] if isinstance(stmt, If) else [*stmt.bounds, stmt.cond]
    return [a for a in atoms if isinstance(a, str)]


def rename(body: list[Stmt], mapping: dict[str, str]) -> list[Stmt]:
    """``body`` with every name in ``mapping`` renamed, nested statements included."""

    def atom(a: Any) -> Any:
        return mapping.get(a, a) if isinstance(a, str) else a

    def param(value: Any) -> Any:
        if not isinstance(value, ast.AST):
            return value
        value = copy.deepcopy(value)
        for node in ast.walk(value):
            if isinstance(node, ast.Name):
                node.id = mapping.get(node.id, node.id)
        return value

    def stmt(s: Stmt) -> Stmt:
        if isinstance(s, Eqn):
            params = tuple((k, param(v)) for k, v in s.params)
            return Eqn(
                atom(s.out), s.prim, tuple(atom(a) for a in s.args), params, s.origin
            )
        if isinstance(s, If):
            return If(
                atom(s.cond),
                rename(s.then, mapping),
                rename(s.orelse, mapping),
                [atom(m) for m in s.merged],
                s.origin,
            )
        if isinstance(s, Loop):
            return Loop(
                s.label,
                rename(s.body, mapping),
                [atom(c) for c in s.carried],
                atom(s.index),
                tuple(atom(b) for b in s.bounds),
                rename(s.test, mapping),
                atom(s.cond),
                s.has_break,
                s.origin,
            )
        return s

    return [stmt(s) for s in body]
