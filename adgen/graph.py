"""Stage 4, graph: the computation graph, with dead code removed and activity marked.

A variable is *active* when it depends on a ``wrt`` parameter through
differentiable operations **and** the output depends on it (activity
analysis).  Only active variables get adjoints; data, labels, shapes and masks
get no adjoint code at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ir import Const, Eqn, Function
from .primitives import NONDIFFERENTIABLE, PRIMITIVES
from .rules import RULES
from .shapes import Shape, infer_shapes


@dataclass
class Graph:
    fn: Function
    eqns: list[Eqn]  # live equations, in evaluation order
    active: set[str]  # variables that get an adjoint
    shapes: dict[str, Shape]

    @property
    def output(self):
        return self.fn.output


def build_graph(fn: Function) -> Graph:
    eqns = eliminate_dead_code(fn)
    varied = _varied(fn, eqns)
    useful = _useful(fn, eqns)
    live = {e.out for e in eqns} | set(fn.params)
    return Graph(fn, eqns, varied & useful & live, infer_shapes(fn))


def eliminate_dead_code(fn: Function) -> list[Eqn]:
    """Keep only the equations the output needs (through operands or static parameters)."""
    needed = {fn.output} if isinstance(fn.output, str) else set()
    kept = []
    for eqn in reversed(fn.eqns):
        if eqn.out in needed:
            kept.append(eqn)
            needed.update(eqn.variables())
    return kept[::-1]


def _varied(fn: Function, eqns: list[Eqn]) -> set[str]:
    varied = set(fn.wrt)
    for eqn in eqns:
        if eqn.prim not in NONDIFFERENTIABLE and any(
            a in varied for a in eqn.args if isinstance(a, str)
        ):
            varied.add(eqn.out)
    return varied


def _useful(fn: Function, eqns: list[Eqn]) -> set[str]:
    """Variables the output depends on differentiably (a where's condition does not count)."""
    useful = {fn.output} if isinstance(fn.output, str) else set()
    for eqn in reversed(eqns):
        if eqn.out in useful and eqn.prim not in NONDIFFERENTIABLE:
            useful.update(
                a
                for a, partial in _partials(eqn)
                if isinstance(a, str) and partial is not None
            )
    return useful


def _partials(eqn: Eqn) -> list[tuple]:
    """(operand, its rule) pairs; variadic rules serve every operand."""
    partials = RULES[eqn.prim]
    if eqn.prim == "custom":  # a user's rule may give an operand no gradient (None)
        return list(zip(eqn.args, eqn.kwargs["rule"].partials, strict=True))
    if PRIMITIVES[eqn.prim].operands == ("*",):
        return [(a, partials[0]) for a in eqn.args]
    return list(zip(eqn.args, partials, strict=True))


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
