"""Stage 4, graph: the computation graph, with dead code removed and activity marked.

A variable is *active* when it depends on a ``wrt`` parameter through
differentiable operations **and** the output depends on it (activity
analysis).  Only active variables get adjoints; data, labels, shapes and masks
get no adjoint code at all.  ``print`` and ``assert`` (effects) are never dead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ir import Break, Const, Eqn, Function, If, Loop, Stmt, all_eqns, structure_reads
from .primitives import PRIMITIVES
from .shapes import Shape, infer_shapes


@dataclass
class Graph:
    fn: Function
    eqns: list[Eqn]  # live equations, in evaluation order (nested ones included)
    active: set[str]  # variables that get an adjoint
    shapes: dict[str, Shape]
    body: list[Stmt]  # the live statements, with their control flow

    @property
    def producers(self) -> dict[str, Eqn]:
        """Each value's equation (the last, for a name assigned on several paths)."""
        return {e.out: e for e in self.eqns}

    @property
    def straight_line(self) -> bool:
        return all(isinstance(s, Eqn) for s in self.body)

    @property
    def output(self):
        return self.fn.output


def build_graph(fn: Function) -> Graph:
    body = eliminate_dead_code(fn)
    eqns = all_eqns(body)
    varied = _varied(fn, eqns)
    useful = _useful(fn, eqns)
    live = {e.out for e in eqns} | set(fn.params)
    return Graph(fn, eqns, varied & useful & live, infer_shapes(fn), body)


def eliminate_dead_code(fn: Function) -> list[Stmt]:
    """Keep only what the output needs (through operands, static parameters, or the
    conditions and bounds that decide which statements run), and what it passes
    through (``has_aux``).  Loops feed values back to their own start, so marking
    repeats until nothing new is needed."""
    needed = fn.returned_names() | effects(all_eqns(fn.eqns))
    while True:
        before = len(needed)
        _mark(fn.eqns, needed)
        if len(needed) == before:
            return _prune(fn.eqns, needed)


def effects(eqns: list[Eqn]) -> set[str]:
    """The equations kept for what they do (``print``, ``assert``), by ``out``:
    never dead, though nothing reads them."""
    return {e.out for e in eqns if PRIMITIVES[e.prim].effect is not None}


def needed_by(body: list[Stmt], wanted: set[str]) -> set[str]:
    """The names ``wanted`` needs when every ``if`` and loop of ``body`` stays as it
    is (their conditions and bounds included): what a ``grad_f`` with control flow
    must compute, whose backward sweep replays each structure."""
    needed = set(wanted)
    while True:
        before = len(needed)
        _mark(body, needed, every_structure=True)
        if len(needed) == before:
            return needed


def _mark(block: list[Stmt], needed: set[str], every_structure: bool = False) -> None:
    for stmt in reversed(block):
        if isinstance(stmt, Eqn):
            if stmt.out in needed:
                needed.update(stmt.variables())
            continue
        if isinstance(stmt, Break):
            continue
        inner = [stmt.then, stmt.orelse] if isinstance(stmt, If) else [stmt.body]
        for b in inner:
            _mark(b, needed, every_structure)
        if every_structure or _is_live(stmt, needed):
            needed.update(structure_reads(stmt))
            if isinstance(stmt, Loop):
                _mark(stmt.test, needed, every_structure)


def _is_live(stmt: If | Loop, needed: set[str]) -> bool:
    """Does the statement compute something needed (or decide when its loop stops)?"""
    defines = {e.out for e in all_eqns([stmt])}
    return bool(defines & needed) or (isinstance(stmt, If) and _breaks(stmt))


def _breaks(stmt: If) -> bool:
    """Does a path through the ``If`` leave the enclosing loop?"""
    return any(
        isinstance(s, Break) or (isinstance(s, If) and _breaks(s))
        for s in [*stmt.then, *stmt.orelse]
    )


def _prune(block: list[Stmt], needed: set[str]) -> list[Stmt]:
    kept: list[Stmt] = []
    for stmt in block:
        if isinstance(stmt, Eqn):
            if stmt.out in needed:
                kept.append(stmt)
        elif isinstance(stmt, Break):
            kept.append(stmt)
        elif _is_live(stmt, needed):
            kept.append(_pruned(stmt, needed))
    return kept


def _pruned(stmt: If | Loop, needed: set[str]) -> If | Loop:
    if isinstance(stmt, If):
        merged = [m for m in stmt.merged if m in needed]
        return If(
            stmt.cond,
            _prune(stmt.then, needed),
            _prune(stmt.orelse, needed),
            merged,
            stmt.origin,
        )
    return Loop(
        stmt.label,
        _prune(stmt.body, needed),
        [c for c in stmt.carried if c in needed],
        stmt.index,
        stmt.bounds,
        _prune(stmt.test, needed),
        stmt.cond,
        stmt.has_break,
        stmt.origin,
    )


def _varied(fn: Function, eqns: list[Eqn]) -> set[str]:
    """Names that depend on a ``wrt`` parameter (to a fixed point: loops carry values back)."""
    varied = set(fn.wrt)
    while True:
        before = len(varied)
        for eqn in eqns:
            if PRIMITIVES[eqn.prim].differentiable and any(
                isinstance(a, str) and a in varied and partial is not None
                for a, partial in _partials(eqn)
            ):
                varied.add(eqn.out)
        if len(varied) == before:
            return varied


def _useful(fn: Function, eqns: list[Eqn]) -> set[str]:
    """Variables the output depends on differentiably (a where's condition does not count)."""
    useful = {fn.output} if isinstance(fn.output, str) else set()
    while True:
        before = len(useful)
        for eqn in reversed(eqns):
            if eqn.out in useful and PRIMITIVES[eqn.prim].differentiable:
                useful.update(
                    a
                    for a, partial in _partials(eqn)
                    if isinstance(a, str) and partial is not None
                )
        if len(useful) == before:
            return useful


def _partials(eqn: Eqn) -> list[tuple]:
    """(operand, its rule) pairs; variadic rules serve every operand."""
    partials = PRIMITIVES[eqn.prim].vjp
    if eqn.prim == "custom":  # a user's rule may give an operand no gradient (None)
        return list(zip(eqn.args, eqn.kwargs["rule"].partials, strict=True))
    if PRIMITIVES[eqn.prim].variadic:
        return [(a, partials[0]) for a in eqn.args]
    if eqn.prim == "pow" and _is_zero(eqn.args[1]):  # x ** 0 is 1: no gradient for x
        return [(eqn.args[0], None), (eqn.args[1], partials[1])]
    return list(zip(eqn.args, partials, strict=True))


def _is_zero(atom) -> bool:
    """Is ``atom`` the literal number 0 (or 0.0)?"""
    return (
        isinstance(atom, Const) and type(atom.value) in (int, float) and atom.value == 0
    )


def describe(graph: Graph) -> str:
    """The ``--dump graph`` text: one node per line with its inputs and activity."""
    lines = [
        f"graph {graph.fn.name}: inputs {', '.join(graph.fn.params)}; wrt {', '.join(graph.fn.wrt) or '-'}"
    ]
    for p in graph.fn.params:
        lines.append(
            f"  {p:>10}  input      shape={_fmt(graph.shapes.get(p))}{'  active' if p in graph.active else ''}"
        )
    for e in graph.eqns:
        ins = ", ".join(str(a) if isinstance(a, Const) else a for a in e.args)
        flag = "  active" if e.out in graph.active else ""
        lines.append(
            f"  {e.out:>10}  {e.prim:<10} <- {ins}  shape={_fmt(graph.shapes.get(e.out))}{flag}"
        )
    lines.append(f"  output: {graph.fn.output}")
    return "\n".join(lines)


def _fmt(shape: Shape) -> str:
    return "?" if shape is None else str(shape)
