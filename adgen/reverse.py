"""Stage 5, reverse: the backward sweep, node by node from the output to the inputs.

For each active node, in reverse evaluation order, the rule table gives each
operand's contribution ``∂out/∂operand · out_bar``; the contribution is
reduced back to the operand's shape where broadcasting may have stretched it,
and accumulated: the first contribution assigns ``x_bar = ...``, later ones add
``x_bar = x_bar + ...``, exactly as the lecture accumulates v̄1 from v3 and v4.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .expr import E, Namespace, assign, name
from .graph import Graph
from .ir import Atom, Const, Eqn
from .naming import bar
from .primitives import PRIMITIVES, primal_statement
from .rules import ACTIVITY_AWARE, LIBRARY_AWARE, RANK_AWARE, RULES, library, runtime
from .shapes import SCALAR, rank, reduction, shape_of

np = Namespace("np")


@dataclass
class AdjointBlock:
    """The adjoint statements of one primal node, under a comment naming it."""

    comment: str
    statements: list[ast.stmt] = field(default_factory=list)


@dataclass
class Backward:
    seed: str  # adjoint of the output: backward's parameter
    blocks: list[AdjointBlock]
    results: list[str]  # adjoint names returned, one per wrt parameter
    zeros: list[ast.stmt]  # wrt parameters the output does not depend on


def reverse_sweep(graph: Graph) -> Backward:
    fn = graph.fn
    primal = set(fn.params) | {e.out for e in graph.eqns}
    seed = bar(fn.output if isinstance(fn.output, str) else "out", primal)
    assigned = {fn.output} if isinstance(fn.output, str) else set()
    blocks = []
    for eqn in reversed(graph.eqns):
        if eqn.out in graph.active:
            blocks.append(_adjoint_block(graph, eqn, primal, assigned))
    zeros = [_zero_adjoint(graph, p, primal) for p in fn.wrt if p not in assigned]
    return Backward(seed, blocks, [bar(p, primal) for p in fn.wrt], zeros)


def _adjoint_block(
    graph: Graph, eqn: Eqn, primal: set[str], assigned: set[str]
) -> AdjointBlock:
    block = AdjointBlock(ast.unparse(primal_statement(eqn)))
    g, ans = name(bar(eqn.out, primal)), name(eqn.out)
    for operand, contribution in _contributions(graph, eqn, g, ans):
        target = bar(operand, primal)
        value = contribution if operand not in assigned else name(target) + contribution
        block.statements.append(assign(target, value))
        assigned.add(operand)
    return block


def _contributions(graph: Graph, eqn: Eqn, g: E, ans: E) -> list[tuple[str, E]]:
    """(operand, contribution to its adjoint) for each active operand of ``eqn``."""
    prim = PRIMITIVES[eqn.prim]
    partials = RULES[eqn.prim]
    operands = [_atom(a) for a in eqn.args]
    statics = rule_parameters(graph, eqn)
    found = []
    for i, arg in enumerate(eqn.args):
        if not (isinstance(arg, str) and arg in graph.active):
            continue
        if prim.operands == ("*",):
            contribution = partials[0](g, ans, i, operands, **statics)
        else:
            partial = partials[i]
            if partial is None:
                continue
            contribution = partial(g, ans, *operands, **statics)
        if prim.elementwise:
            contribution = unbroadcast(contribution, arg, eqn.out, graph)
        found.append((arg, contribution))
    return found


def rule_parameters(graph: Graph, eqn: Eqn) -> dict:
    """What a rule receives after the operands: the node's static parameters, plus
    the operands' ranks, activity or library for the rules that ask for them."""
    statics = {k: v for k, v in eqn.params if k != "lib"}
    if eqn.prim in LIBRARY_AWARE:
        statics["lib"] = library(dict(eqn.params).get("lib"))
    if eqn.prim in ACTIVITY_AWARE:
        statics["active"] = tuple(
            isinstance(a, str) and a in graph.active for a in eqn.args
        )
    if eqn.prim in RANK_AWARE:
        statics["ndims"] = tuple(rank(shape_of(a, graph.shapes)) for a in eqn.args)
    return statics


def unbroadcast(contribution: E, operand: str, out: str, graph: Graph) -> E:
    """Reduce a contribution of the output's shape to ``operand``'s shape, if they can differ."""
    plan = reduction(graph.shapes.get(operand), graph.shapes.get(out))
    if plan.is_identity:
        return contribution
    if plan.to_scalar:
        return np.sum(contribution)
    if plan.dynamic:
        return runtime.unbroadcast(contribution, name(operand))
    if plan.lead:
        contribution = np.sum(
            contribution, axis=0 if plan.lead == 1 else tuple(range(plan.lead))
        )
    if plan.keep:
        axis = plan.keep[0] if len(plan.keep) == 1 else plan.keep
        contribution = np.sum(contribution, axis=axis, keepdims=True)
    return contribution


def _zero_adjoint(graph: Graph, param: str, primal: set[str]) -> ast.stmt:
    """``x_bar = 0.0``: the output does not depend on ``x``; the gradient has ``x``'s shape."""
    value = E(0.0) if graph.shapes.get(param) == SCALAR else np.zeros_like(name(param))
    return assign(bar(param, primal), value)


def _atom(a: Atom) -> E:
    return E(a.value) if isinstance(a, Const) else name(a)
