"""``adgen trace``: the lecture's three evaluation tables at one point.

For a scalar function, at a point such as ``x1=2, x2=5``:

* the primal trace: each node ``v_i`` with its statement and value;
* the forward-mode tangent trace for one seed input (``ẋ1 = 1``, others 0),
  each line showing the rule that computes ``n_i_dot`` from its operands;
* the reverse adjoint trace: each statement of the backward sweep adgen
  emits, in order, with the value it assigns.

Tangents are forward mode's (``forward.py``), derived from the same primitive records
as the backward sweep: for an elementwise primitive, an operand's contribution
to the tangent is its adjoint rule with the output adjoint ``g`` replaced by the
operand's tangent (``g * np.cos(x)`` becomes ``x_dot * np.cos(x)``): both are
multiplication by the same partial derivative.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.special

from . import runtime
from .custom import namespace as custom_namespace
from .errors import AdgenError, NotSupportedYet
from .forward import tangent_expr
from .graph import Graph
from .ir import Eqn
from .naming import suffixed
from .primitives import PRIMITIVES, primal_statement
from .reverse import Backward
from .simplify import simplify

if TYPE_CHECKING:
    from .parsed import Module


class TraceError(AdgenError):
    """The function or point cannot be traced as a table of scalars."""

    hint = "trace tables are for scalar functions at a point: pass every parameter as --at NAME=NUMBER"


def require_straight_line(module: Module, graph: Graph, shown_by: str) -> None:
    """Graphs and trace tables show one fixed graph: refuse branches and loops,
    located at the first one. ``shown_by`` names the caller (``"`adgen graph`"``)."""
    if graph.straight_line:
        return
    first = next(s for s in graph.body if not isinstance(s, Eqn))
    line, col = (first.origin.line, first.origin.col) if first.origin else (0, 0)
    raise NotSupportedYet(
        f"{shown_by} shows straight-line functions; `{graph.fn.name}` has "
        "control flow here, so its graph depends on the path taken",
        module.location(ast.Pass(lineno=line, col_offset=col)),
        hint="compile it with `adgen compile` (and check it with adgen.testing.check_grads), or pass a straight-line function",
    )


@dataclass(frozen=True)
class Line:
    """One row of a table: the node number, the statement, its value."""

    index: int
    code: str
    value: Any


def namespace() -> dict[str, Any]:
    """What emitted statements may refer to."""
    return {
        "np": np,
        "math": math,
        "scipy": scipy,
        **{h: getattr(runtime, h) for h in runtime.__all__},
    }


def _valued(eqns: list) -> list[Eqn]:
    """The nodes that compute a value: the tables leave out print and assert."""
    return [e for e in eqns if PRIMITIVES[e.prim].effect is None]


def node_numbers(graph: Graph) -> dict[str, int]:
    """``v_i`` numbering as the lecture numbers its graph: the parameters, then the
    nodes level by level (a node's level is one more than its deepest operand's),
    in evaluation order within a level.  For ln x1 + x1 x2 - sin x2 that is
    v3 = ln v1, v4 = v1 v2, v5 = sin v2, v6 = v3 + v4, v7 = v6 - v5, where plain
    evaluation order would put the sum before the sine."""
    fn = graph.fn
    level = dict.fromkeys(fn.params, 0)
    for eqn in _valued(fn.eqns):
        level[eqn.out] = 1 + max((level.get(v, 0) for v in eqn.variables()), default=0)
    order = sorted(
        _valued(fn.eqns), key=lambda e: level[e.out]
    )  # stable: evaluation order
    numbers = {p: i + 1 for i, p in enumerate(fn.params)}
    numbers.update({e.out: len(fn.params) + 1 + i for i, e in enumerate(order)})
    return numbers


def by_number(lines: list[Line]) -> list[Line]:
    """Table rows in ``v_i`` order (a topological order, so the values still read
    forward); parameters' rows stay first."""
    return sorted(lines, key=lambda line: line.index)


def primal_trace(
    graph: Graph, point: dict[str, float]
) -> tuple[list[Line], dict[str, Any]]:
    """The forward sweep, a line per node; also returns every value computed."""
    numbers = node_numbers(graph)
    values = _bind(graph, point)
    lines = [Line(numbers[p], p, values[p]) for p in graph.fn.params]
    copied = custom_namespace(graph.eqns)  # black boxes the custom rules call
    for eqn in _valued(graph.eqns):
        statement = primal_statement(eqn)
        values[eqn.out] = _evaluate(statement, {**copied, **values})
        lines.append(Line(numbers[eqn.out], ast.unparse(statement), values[eqn.out]))
    return by_number(lines), values


def tangent_trace(graph: Graph, values: dict[str, Any], seed: str) -> list[Line]:
    """Forward mode: ``n_dot`` of every node for the tangent ``seed_dot = 1``, others 0."""
    if seed not in graph.fn.params:
        raise TraceError(
            f"--seed {seed!r} is not a parameter (parameters: {', '.join(graph.fn.params)})"
        )
    primal = set(values)
    dots = {p: suffixed(p, "dot", primal) for p in graph.fn.params}
    env = dict(values)
    numbers = node_numbers(graph)
    lines = []
    for p in graph.fn.params:
        env[dots[p]] = np.float64(1.0 if p == seed else 0.0)
        lines.append(Line(numbers[p], f"{dots[p]} = {env[dots[p]]:g}", env[dots[p]]))
    for eqn in _valued(graph.eqns):
        dots[eqn.out] = suffixed(eqn.out, "dot", primal)
        statement = simplify(
            ast.Assign(
                [ast.Name(dots[eqn.out], ast.Store())],
                tangent_expr(graph, eqn, dots, scalars=True).node,
                lineno=0,
            )
        )
        env[dots[eqn.out]] = _evaluate(statement, env)
        lines.append(Line(numbers[eqn.out], ast.unparse(statement), env[dots[eqn.out]]))
    return by_number(lines)


def adjoint_trace(
    graph: Graph, backward: Backward, values: dict[str, Any]
) -> list[Line]:
    """Reverse mode: every statement of the backward sweep, with the value it assigns."""
    numbers = node_numbers(graph)
    env = dict(values)
    env[backward.seed] = np.float64(1.0)
    lines = [Line(numbers.get(graph.fn.output, 0), f"{backward.seed} = 1", 1.0)]
    for block in backward.blocks:
        for statement in block.statements:
            target = statement.targets[0].id
            env[target] = _evaluate(simplify(statement), env)
            primal = target.removesuffix("_bar").rstrip("_")
            lines.append(
                Line(
                    numbers.get(primal, 0),
                    ast.unparse(simplify(statement)),
                    env[target],
                )
            )
    for statement in backward.zeros:
        target = statement.targets[0].id
        env[target] = _evaluate(statement, env)
        primal = target.removesuffix("_bar").rstrip("_")
        lines.append(Line(numbers.get(primal, 0), ast.unparse(statement), env[target]))
    return lines


@dataclass(frozen=True)
class Annotation:
    """What the lecture's tables say about one node: its number ``v_i``, value,
    tangent for the seed, and adjoint (None where no adjoint is computed)."""

    number: int
    value: Any
    tangent: Any
    adjoint: Any | None


def annotations(
    graph: Graph, backward: Backward, point: dict[str, float], seed: str
) -> dict[str, Annotation]:
    """Every node's row of the three tables, for the annotated graph."""
    _, values = primal_trace(graph, point)
    names = {k: name for name, k in node_numbers(graph).items()}
    tangents = {names[t.index]: t.value for t in tangent_trace(graph, values, seed)}
    adjoints = {  # the last assignment to a node's adjoint is its total
        names[a.index]: a.value
        for a in adjoint_trace(graph, backward, values)
        if a.index in names
    }
    return {
        name: Annotation(k, values[name], tangents[name], adjoints.get(name))
        for k, name in sorted(names.items())
    }


def _bind(graph: Graph, point: dict[str, float]) -> dict[str, Any]:
    fn = graph.fn
    missing = [p for p in fn.params if p not in point]
    unknown = [k for k in point if k not in fn.params]
    if missing or unknown:
        what = (
            f"no value for {', '.join(missing)}"
            if missing
            else f"{', '.join(unknown)} is not a parameter"
        )
        raise TraceError(
            f"--at: {what} (parameters of `{fn.name}`: {', '.join(fn.params)})"
        )
    # numpy floats, as the generated code uses: 1 / 0 is inf, not ZeroDivisionError
    return {name: np.float64(value) for name, value in point.items()}


def _evaluate(statement: ast.Assign, env: dict[str, Any]) -> Any:
    expression = ast.Expression(statement.value)
    ast.fix_missing_locations(expression)
    with np.errstate(all="ignore"):  # the table shows inf/nan as numpy computes them
        return eval(
            compile(expression, "<adgen trace>", "eval"), {**namespace(), **env}
        )


def parse_point(text: str) -> dict[str, float]:
    """``"x1=2,x2=5"`` -> ``{"x1": 2.0, "x2": 5.0}``."""
    point = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        try:
            point[key.strip()] = float(value)
        except ValueError:
            raise TraceError(
                f"--at expects NAME=NUMBER pairs, got {item!r}",
                hint="write --at x1=2,x2=5",
            ) from None
        if not sep:
            raise TraceError(
                f"--at expects NAME=NUMBER pairs, got {item!r}",
                hint="write --at x1=2,x2=5",
            )
    return point


def number(value: Any, digits: int = 3) -> str:
    """A value as the lecture prints it: 3 decimals, trailing zeros dropped."""
    if np.ndim(value) != 0:
        return np.array2string(np.asarray(value), precision=digits)
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def table(title: str, lines: Iterable[Line], digits: int = 3) -> str:
    rows = list(lines)
    width = max((len(r.code) for r in rows), default=0)
    body = [
        f"  {('v' + str(r.index)) if r.index else '':>4}  {r.code:<{width}}  = {number(r.value, digits)}"
        for r in rows
    ]
    return "\n".join([title, *body])
