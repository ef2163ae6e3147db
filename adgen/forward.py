"""Forward mode: each node's tangent next to its value (the lecture's first method).

``jvp_f(*args, *tangents) -> (out, out_dot)`` evaluates ``f`` and, in the same
pass, its directional derivative along the tangents of the ``wrt`` parameters:
after each primal statement ``n4 = np.sin(x1)`` comes its tangent statement
``n4_dot = x1_dot * np.cos(x1)``.

Tangents come from the VJP partials of each primitive's record (``primitives/``),
so each primitive's derivative is written once; the record's ``tangent`` says how
forward mode reads them:

* ``"elementwise"``: a partial is ``g`` times a partial derivative, so an
  operand's contribution to the tangent is its partial with ``g`` replaced by
  the operand's tangent (``g * np.cos(x)`` becomes ``x1_dot * np.cos(x1)``);
* ``"linear"`` (sum, transpose, matmul, indexing ...): the primitive is its own
  derivative, applied to the operand's tangent;
* ``"reduction"`` (max, min, logsumexp): the partial seeded with ones gives the
  partial derivatives, contracted with the tangent over the reduced axes;
* ``"rule"``: a user's own rule (custom.py) gives the tangent.

Activity: only the values the reverse sweep differentiates (``graph.active``:
they depend on a ``wrt`` parameter and the output depends on them) get a
tangent, and of those only the ones a tangent reaches through an operand with a
rule; the rest get no tangent code.  ``tangent_steps`` works on any list of
equations, so a structured body can be transformed block by block.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy

from . import program as P
from .errors import Location, UnknownFunction
from .expr import E, Namespace, assign, name
from .graph import Graph
from .ir import Atom, Break, Const, Eqn, If, Loop, Stmt
from .naming import suffixed
from .primitives import (
    PRIMITIVES,
    RuleContext,
    primal_statement,
    rule_operand,
    runtime,
    summed,
)
from .reverse import rule_context
from .shapes import SCALAR, reduction
from .simplify import simplify
from .structures import structure_ast
from .sweeps import Compiled, _statement, atom, plain

np = Namespace("np")


@dataclass(frozen=True)
class Step:
    """One node: its primal statement, then its tangent statement (None if it has none)."""

    eqn: Eqn
    primal: ast.Assign
    tangent: ast.Assign | None


def tangent_names(graph: Graph) -> dict[str, str]:
    """``x`` -> ``x_dot`` for the ``wrt`` parameters and every active node that a
    tangent reaches through an operand with a rule (not only through a mask or shape).
    """
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    carriers = dict.fromkeys(graph.fn.wrt, "")
    while True:  # loops carry tangents back to their start: repeat to a fixed point
        before = len(carriers)
        for eqn in graph.eqns:
            if eqn.out in graph.active and _differentiable_operands(eqn, carriers):
                carriers[eqn.out] = ""
        if len(carriers) == before:
            return {n: suffixed(n, "dot", primal) for n in carriers}


def tangent_steps(graph: Graph, eqns: list[Eqn], dots: dict[str, str]) -> list[Step]:
    """Each equation's primal statement, followed by its tangent if ``dots`` names one."""
    steps = []
    for eqn in eqns:
        tangent = None
        if eqn.out in dots:
            tangent = simplify(assign(dots[eqn.out], tangent_expr(graph, eqn, dots)))
        steps.append(Step(eqn, primal_statement(eqn), tangent))
    return steps


def tangent_expr(
    graph: Graph, eqn: Eqn, dots: dict[str, str], scalars: bool = False
) -> E:
    """The tangent of node ``eqn``, given the tangents ``dots`` of its operands (absent:
    zero); ``scalars``: every value is a scalar (the lecture's trace tables)."""
    prim = PRIMITIVES[eqn.prim]
    if not prim.differentiable:
        return _zero_tangent(graph, eqn)
    if prim.tangent == "rule":
        return _custom_tangent(graph, eqn, dots, scalars)
    active = _differentiable_operands(eqn, dots)
    operands = [rule_operand(a) for a in eqn.args]
    ctx = rule_context(graph, eqn)
    if prim.tangent == "linear":
        terms = _linear_terms(eqn, active, operands, dots)
    elif prim.tangent == "reduction":
        terms = [_reduction_term(eqn, operands, dots, ctx)] if active else []
    else:  # elementwise: the VJP partials; "jvp": the record's own tangent partials
        rules = prim.jvp if prim.tangent == "jvp" else prim.vjp
        partials = [
            (
                rules[0](name(dots[eqn.args[i]]), name(eqn.out), i, operands, ctx)
                if prim.variadic  # (t, ans, i, xs, ctx), as a VJP partial of a list
                else rules[i](name(dots[eqn.args[i]]), name(eqn.out), *operands, ctx)
            )
            for i in active
        ]
        terms = [t for t in partials if t is not None]  # None: no derivative (x ** 0)
    if not terms:
        return _zero_tangent(graph, eqn)
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    if prim.elementwise and not _has_output_shape(graph, eqn, active, terms):
        total = runtime.broadcast_like(total, name(eqn.out))
    return total


def _custom_tangent(graph: Graph, eqn: Eqn, dots: dict[str, str], scalars: bool) -> E:
    """A user's rule: its @adgen.defjvp, or its VJP rule where the Jacobian is diagonal."""
    tangents = [
        name(dots[a]) if isinstance(a, str) and a in dots else None for a in eqn.args
    ]
    rule = eqn.kwargs["rule"]
    found = rule.tangent(
        tangents, name(eqn.out), [rule_operand(a) for a in eqn.args], scalars
    )
    if found is None:
        line = eqn.origin.line if eqn.origin else 0
        raise UnknownFunction(
            f"`{rule}` has a reverse-mode rule only, and is not elementwise",
            Location(graph.fn.path, line),
            hint="give it a forward-mode rule with @adgen.defjvp",
        )
    return found


def _differentiable_operands(eqn: Eqn, dots: dict[str, str]) -> list[int]:
    """Positions of the operands that have a tangent and a rule."""
    prim = PRIMITIVES[eqn.prim]
    rules = prim.vjp or ()
    variadic = prim.variadic
    return [
        i
        for i, arg in enumerate(eqn.args)
        if isinstance(arg, str)
        and arg in dots
        and (rules[0] if variadic else rules[i]) is not None
    ]


def _linear_terms(
    eqn: Eqn, active: list[int], operands: list[E], dots: dict[str, str]
) -> list[E]:
    """A linear primitive applied to its operands' tangents: one term per active
    operand (the product rule for matmul), or, for a list of operands (concatenate,
    stack), one term with zeros in place of inactive operands' tangents."""
    prim = PRIMITIVES[eqn.prim]
    params = {k: v for k, v in eqn.params if k != "lib"}
    if not active:
        return []
    if prim.variadic:
        tangents = [
            name(dots[eqn.args[i]]) if i in active else np.zeros_like(operands[i])
            for i in range(len(operands))
        ]
        return [prim.forward(*tangents, **params)]
    terms = []
    for i in active:
        replaced = list(operands)
        replaced[i] = name(dots[eqn.args[i]])
        terms.append(prim.forward(*replaced, **params))
    return terms


def _reduction_term(
    eqn: Eqn, operands: list[E], dots: dict[str, str], ctx: RuleContext
) -> E:
    """Σ over the reduced axes of (∂ans/∂x · x_dot): the rule with g = 1 gives ∂ans/∂x."""
    axis, keepdims = ctx.axis, ctx.keepdims
    ans = name(eqn.out)
    ones = (
        E(1.0) if axis is None else np.ones_like(ans)
    )  # 1.0 reads better where it broadcasts
    (partial,) = PRIMITIVES[eqn.prim].vjp
    partials = partial(ones, ans, *operands, ctx)
    return summed(partials * name(dots[eqn.args[0]]), axis, keepdims)


def _has_output_shape(
    graph: Graph, eqn: Eqn, active: list[int], terms: list[E]
) -> bool:
    """Whether the sum of ``terms`` surely has the node's shape: an elementwise tangent
    of ``x + c`` is ``x_dot``, smaller than the value when ``c`` broadcasts ``x``."""
    out = graph.shapes.get(eqn.out)
    args = [eqn.args[i] for i in active]
    if any(reduction(graph.shapes.get(a), out).is_identity for a in args):
        return True
    if any(isinstance(a, Const) and numpy.ndim(a.value) for a in eqn.args):
        return False
    covered = set(args) | {
        n.id for t in terms for n in ast.walk(t.node) if isinstance(n, ast.Name)
    }
    variables = {a for a in eqn.args if isinstance(a, str)}
    return eqn.out in covered or variables <= covered


def _zero_tangent(graph: Graph, eqn: Eqn) -> E:
    """The zero tangent of node ``eqn``.  A copy of a number (``s = 0.0`` before a
    loop that accumulates into ``s``) is a Python number, and so is its tangent:
    ``np.zeros_like(0.0)`` would be a float64 array, which makes a float32 sum
    float64 in numpy's promotion."""
    source = eqn.args[0] if eqn.prim == "copy" else None
    if isinstance(source, Const) and type(source.value) in (int, float):
        return E(0.0)
    return _zero(graph, eqn.out)


def _zero(graph: Graph, atom: Atom) -> E:
    """A zero tangent of ``atom``'s shape."""
    if isinstance(atom, Const) or graph.shapes.get(atom) == SCALAR:
        return E(0.0)
    return np.zeros_like(name(atom))


# --- the jvp function ---------------------------------------------------------
def jvp_functions(c: Compiled) -> list[P.Definition]:
    """``jvp_f(*args, *tangents) -> (out, out_dot)``: primal and tangent statements interleaved."""
    graph = c.graph
    fn = graph.fn
    dots = tangent_names(graph)
    out = fn.output
    out_dot = (
        ast.Name(dots[out], ast.Load())
        if isinstance(out, str) and out in dots
        else _zero(graph, out).node
    )
    params = tuple(P.Param(p) for p in [*fn.params, *(dots[p] for p in fn.wrt)])
    along = ", ".join(dots[p] for p in fn.wrt) or "no tangent"
    aux = [structure_ast(fn.aux, atom)] if fn.has_aux else []  # as JAX's jvp
    returned = P.Return(ast.Tuple([atom(out), out_dot, *aux], ast.Load()))
    doc = f"Forward mode of `{fn.name}` ({plain(fn.path)}): its value, and its derivative along {along}."
    body = (*jvp_block(graph, dots, graph.body), returned)
    return [P.Function(f"jvp_{fn.name}", P.JVP, params, doc, body, fn.name)]


def jvp_block(graph: Graph, dots: dict[str, str], body: list[Stmt]) -> list[P.Stmt]:
    """Primal and tangent statements, each group under a comment with the user's
    statement; branches and loops keep their shape (forward mode needs no stacks)."""
    out: list[P.Stmt] = []
    last = None
    for stmt in body:
        if isinstance(stmt, Eqn):
            (step,) = tangent_steps(graph, [stmt], dots)
            if stmt.origin is not None and stmt.origin != last:
                out.append(P.Comment(stmt.origin.text))
                last = stmt.origin
            out += [_statement(s) for s in (step.primal, step.tangent) if s is not None]
            continue
        if isinstance(stmt, Break):
            out.append(P.Break())
            continue
        if stmt.origin is not None and stmt.origin != last:
            out.append(P.Comment(stmt.origin.text))
        last = None
        out += _structure(graph, dots, stmt)
    return out


def _structure(graph: Graph, dots: dict[str, str], stmt: If | Loop) -> list[P.Stmt]:
    if isinstance(stmt, If):
        then = jvp_block(graph, dots, stmt.then)
        orelse = jvp_block(graph, dots, stmt.orelse)
        return [P.If(atom(stmt.cond), tuple(then), tuple(orelse))]
    body = jvp_block(graph, dots, stmt.body)
    if (
        stmt.is_while
    ):  # the test runs before the loop, and again at the end of each pass
        test = jvp_block(graph, dots, stmt.test)
        if not (stmt.body and isinstance(stmt.body[-1], Break)):
            body += test
        return [*test, P.While(atom(stmt.cond), tuple(body))]
    bounds = [atom(b) for b in stmt.bounds]
    iterable = ast.Call(ast.Name("range", ast.Load()), bounds, [])
    return [P.For(stmt.index, iterable, tuple(body))]
