"""Stage 5, reverse: the backward sweep, node by node from the output to the inputs.

For each active node, in reverse evaluation order, the primitive's record (primitives/) gives each
operand's contribution ``∂out/∂operand · out_bar``; the contribution is
reduced back to the operand's shape where broadcasting may have stretched it,
and accumulated: the first contribution assigns ``x_bar = ...``, later ones add
``x_bar = x_bar + ...``, exactly as the lecture accumulates v̄1 from v3 and v4.

Where shapes are not known statically, the reduction waits (``_Sweep.wide``):
an elementwise partial commutes with the sum back to an operand's shape, so
an adjoint may stay in the broadcast shape until it reaches a parameter, a
non-elementwise node, or a sum with a differently stretched adjoint, and is
reduced once there (``unbroadcast(x2_bar + n4_bar * x1, x2)``) instead of at
every node.  Only names assigned once wait, and only in the block that
assigns them: a loop body's own values wait within an iteration (and are not
pushed on a stack for their shape), an adjoint carried across iterations or
written inside an ``if`` or loop is reduced before it.  Nor does a sum wait
past a factor that can be inf (``g / x``, a negative power): at x = 0,
sum(g) / x is inf where sum(g / x) would be inf - inf (``_inf_safe``).

Control flow is reversed in place: an ``if`` becomes the same ``if`` over its
branches' adjoints, a loop runs its body's adjoints as many times as the
forward loop ran, last iteration first.  An adjoint that has no value yet is
zero, so a node whose adjoint was never assigned on this path is skipped;
where paths meet, a branch that assigned nothing gets an explicit zero, and
adjoints a loop accumulates into start at zero before it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .expr import E, Namespace, assign, name, numpy_function, to_ast
from .graph import Graph
from .ir import (
    Eqn,
    If,
    Loop,
    Stmt,
    all_eqns,
    structure_reads,
    structures,
)
from .naming import bar
from .primitives import (
    PRIMITIVES,
    RuleContext,
    library,
    primal_statement,
    rule_operand,
    runtime,
)
from .shapes import (
    SCALAR,
    Reduction,
    Same,
    Shape,
    broadcast,
    rank,
    reduction,
    shape_of,
)
from .simplify import number

np = Namespace("np")


@dataclass
class AdjointBlock:
    """The adjoint statements of one primal node, under a comment naming it."""

    comment: str
    statements: list[ast.stmt] = field(default_factory=list)


@dataclass
class ReverseIf:
    """The adjoints of an ``if``: the same test, each branch's adjoints reversed."""

    forward: If
    then: list[Item]
    orelse: list[Item]


@dataclass
class ReverseLoop:
    """The adjoints of a loop, run once per forward iteration, last one first."""

    forward: Loop
    zeros: list[ast.stmt]  # adjoints the loop accumulates into, zero before it
    body: list[Item]


Item = AdjointBlock | ReverseIf | ReverseLoop


@dataclass
class Backward:
    seed: str  # adjoint of the output: backward's parameter
    blocks: list[Item]
    results: list[str]  # adjoint names returned, one per wrt parameter
    zeros: list[ast.stmt]  # wrt parameters the output does not depend on


def reverse_sweep(graph: Graph) -> Backward:
    fn = graph.fn
    primal = set(fn.params) | {e.out for e in graph.eqns}
    seed = bar(fn.output if isinstance(fn.output, str) else "out", primal)
    assigned = {fn.output} if isinstance(fn.output, str) else set()
    sweep = _Sweep(graph, primal)
    blocks = sweep.block(graph.body, assigned)
    sweep.reduce_parameters(blocks)
    zeros = [_zero_adjoint(graph, p, primal) for p in fn.wrt if p not in assigned]
    return Backward(seed, blocks, [bar(p, primal) for p in fn.wrt], zeros)


class _Sweep:
    """Reverses a block of statements, tracking which adjoints hold a value."""

    def __init__(self, graph: Graph, primal: set[str]):
        self.graph, self.primal = graph, primal
        # the carried names of the loops being reversed: assigned inside them, but
        # living across their iterations
        self.carried: set[str] = set()
        # adjoints not yet reduced to their primal's shape -> the shape they hold
        self.wide: dict[str, Shape] = {}
        self.depth = 0  # how many ifs and loops enclose the block being reversed
        self.once = _assigned_once(graph)
        self.local: set[str] = set()  # the names whose adjoints may wait here

    def block(self, stmts: list[Stmt], assigned: set[str]) -> list[Item]:
        """The adjoints of ``stmts``.  An adjoint may wait in this block if its name
        is assigned once, here (a parameter: at the top level): its waiting
        reductions read the value this block computed."""
        outer = self.local
        self.local = {s.out for s in stmts if isinstance(s, Eqn)} & self.once
        if not self.depth:
            self.local |= set(self.graph.fn.params) & self.once
        items: list[Item] = []
        for stmt in reversed(stmts):
            if isinstance(stmt, Eqn):
                if stmt.out in self.graph.active and stmt.out in assigned:
                    block = self.adjoint_block(stmt, assigned)
                    items += [block] if block.statements else []
                assigned.discard(stmt.out)  # earlier code sees an earlier value
                self.wide.pop(stmt.out, None)
            elif isinstance(stmt, (If, Loop)):
                self.depth += 1
                if isinstance(stmt, If):
                    nested = [self.reverse_if(stmt, assigned)]
                else:
                    nested = self.reverse_loop(stmt, assigned)
                self.depth -= 1
                items += self.reduced_before(nested) + nested
        self.local = outer
        return items

    def reduce_parameters(self, items: list[Item]) -> None:
        """Each parameter's waiting adjoint reduced to its shape, at its last
        assignment (``x2_bar = unbroadcast(x2_bar + n4_bar * x1, x2)``): the one
        reduction it gets.  Its last assignment is at the top level: adjoints
        written inside an ``if`` or a loop do not wait."""
        for p in [p for p in self.graph.fn.wrt if p in self.wide]:
            target = bar(p, self.primal)
            block = next(i for i in reversed(items) if target in _targets(i))
            assert isinstance(block, AdjointBlock), "a waiting adjoint's last write"
            last = max(
                i for i, st in enumerate(block.statements) if target in _targets(st)
            )
            shape = self.wide.pop(p)
            value = reduce_to(E(block.statements[last].value), p, shape, self.graph)
            block.statements[last] = assign(target, value)

    def reduced_before(self, nested: list[Item]) -> list[Item]:
        """Inside an ``if`` or a loop every contribution is reduced where it is made;
        the waiting adjoints it adds to are reduced before it, once."""
        names = sorted(_written(nested, self.primal) & set(self.wide) & self.local)
        if not names:
            return []
        block = AdjointBlock(f"{', '.join(names)}: summed back to their shapes")
        for n in names:
            block.statements.append(assign(bar(n, self.primal), self.reduced(n)))
        return [block]

    def reduced(self, n: str) -> E:
        """``n``'s waiting adjoint reduced to ``n``'s shape (no longer waiting)."""
        return reduce_to(name(bar(n, self.primal)), n, self.wide.pop(n), self.graph)

    def adjoint_block(self, eqn: Eqn, assigned: set[str]) -> AdjointBlock:
        graph, primal = self.graph, self.primal
        block = AdjointBlock(ast.unparse(primal_statement(eqn)))
        g, ans = name(bar(eqn.out, primal)), name(eqn.out)
        elementwise = PRIMITIVES[eqn.prim].elementwise
        found = _contributions(graph, eqn, g, ans)
        if eqn.out in self.wide and not (
            elementwise and all(_inf_safe(to_ast(c)) for _, c in found)
        ):  # its rule needs out's shape, or would make inf - inf of a waiting sum
            donor = _same_shape(graph, eqn)
            shape = self.wide.pop(eqn.out)
            block.statements.append(
                assign(g.node.id, reduce_to(g, donor, shape, graph))
            )
        out_shape = graph.shapes.get(eqn.out)
        g_shape = (
            broadcast(self.wide[eqn.out], out_shape)
            if eqn.out in self.wide
            else out_shape
        )
        for operand, contribution in found:
            waits = False
            if elementwise:
                contribution, waits = self.settled(contribution, operand, g_shape)
            shape = g_shape if waits else graph.shapes.get(operand)
            block.statements.append(
                self.accumulate(operand, contribution, waits, shape, assigned)
            )
        return block

    def settled(self, contribution: E, operand: str, shape: Shape) -> tuple[E, bool]:
        """An elementwise contribution of ``shape`` (at most), reduced to ``operand``'s
        shape now where that is static (cheap axes) or cannot wait; else as it is,
        and True: it waits in ``shape``."""
        plan = reduction(self.graph.shapes.get(operand), shape)
        if plan.is_identity:
            return contribution, False
        if plan.dynamic and operand in self.local:
            return contribution, True
        return _reduce(contribution, operand, plan), False

    def accumulate(
        self, operand: str, value: E, waits: bool, shape: Shape, assigned: set[str]
    ) -> ast.stmt:
        """``x_bar = value`` or ``x_bar = x_bar + value``.  A waiting adjoint and a
        waiting ``value`` are added as they are only where their shapes are known
        to be equal; otherwise whichever waits is reduced first."""
        target = bar(operand, self.primal)
        if operand not in assigned:
            assigned.add(operand)
            if waits:
                self.wide[operand] = shape
            return assign(target, value)
        if operand not in self.local or (operand not in self.wide and not waits):
            # waiting in an enclosing block: reduced_before() reduces it first
            return assign(target, name(target) + value)
        if waits and operand in self.wide and _known_equal(self.wide[operand], shape):
            return assign(target, name(target) + value)
        current = self.reduced(operand) if operand in self.wide else name(target)
        if waits:
            value = reduce_to(value, operand, shape, self.graph)
        return assign(target, current + value)

    def reverse_if(self, stmt: If, assigned: set[str]) -> ReverseIf:
        inside = _defined_in(stmt) - self.carried
        after_then, after_else = set(assigned), set(assigned)
        then = self.block(stmt.then, after_then)
        orelse = self.block(stmt.orelse, after_else)
        for mine, other, items in (
            (after_then, after_else, then),
            (after_else, after_then, orelse),
        ):
            missing = sorted((other - mine) - inside)
            if missing:
                items.append(self.zero_block(missing, "no contribution on this path"))
        assigned.clear()
        assigned.update((after_then | after_else) - inside)
        return ReverseIf(stmt, then, orelse)

    def reverse_loop(self, stmt: Loop, assigned: set[str]) -> list[Item]:
        saved = self.carried
        self.carried = self.carried | set(stmt.carried)
        inside = _defined_in(stmt) - self.carried
        outside_active = self.graph.active - inside
        start = set(assigned) | outside_active
        end = set(start)
        body = self.block(stmt.body, end)
        written = _written(body, self.primal) & outside_active
        carried = set(stmt.carried) & self.graph.active
        start_at_zero = sorted((written | carried) - assigned)
        ended = sorted((start - end) & (written | carried | assigned))
        if ended:  # e.g. a carried value the body overwrites without reading
            body.append(self.zero_block(ended, "not read in this iteration"))
        assigned.update(start_at_zero)
        self.carried = saved
        zeros = [_zero_adjoint(self.graph, n, self.primal) for n in start_at_zero]
        return [ReverseLoop(stmt, zeros, body)]

    def zero_block(self, names: list[str], why: str) -> AdjointBlock:
        zeros = [_zero_adjoint(self.graph, n, self.primal) for n in names]
        return AdjointBlock(f"{', '.join(names)}: {why}", zeros)


def _defined_in(stmt: If | Loop) -> set[str]:
    names = {e.out for e in all_eqns([stmt])}
    if isinstance(stmt, Loop) and stmt.index:
        names.add(stmt.index)
    return names


def _written(items: list[Item], primal: set[str]) -> set[str]:
    """Primal names whose adjoints ``items`` assign (nested ones included)."""
    bars = {bar(p, primal): p for p in primal}
    found = set()
    for item in items:
        if isinstance(item, AdjointBlock):
            for s in item.statements:
                for t in s.targets:  # type: ignore[attr-defined]
                    if isinstance(t, ast.Name) and t.id in bars:
                        found.add(bars[t.id])
        elif isinstance(item, ReverseIf):
            found |= _written(item.then, primal) | _written(item.orelse, primal)
        else:
            found |= _written(item.body, primal)
    return found


def _targets(item: Item | ast.stmt) -> set[str]:
    """The names ``item`` assigns, nested ones included."""
    if isinstance(item, ast.Assign):
        return {t.id for t in item.targets if isinstance(t, ast.Name)}
    if isinstance(item, AdjointBlock):
        return set().union(*(_targets(s) for s in item.statements))
    if isinstance(item, ReverseIf):
        return set().union(*(_targets(i) for i in item.then + item.orelse))
    if isinstance(item, ReverseLoop):
        return set().union(*(_targets(i) for i in [*item.zeros, *item.body]))
    return set()


def _contributions(graph: Graph, eqn: Eqn, g: E, ans: E) -> list[tuple[str, E]]:
    """(operand, contribution to its adjoint) for each active operand of ``eqn``;
    an elementwise node's contributions have the output's shape (the caller
    reduces them, ``_Sweep.settled``)."""
    prim = PRIMITIVES[eqn.prim]
    partials = prim.vjp or ()
    operands = [rule_operand(a) for a in eqn.args]
    spread = prim.shape_only and _broadcast_spreads(graph, eqn)
    if spread:  # only np.size(x) is read: any value of x's shape will do
        operands[0] = name(shape_donor(graph, eqn.args[0]))
    ctx = rule_context(graph, eqn)
    found = []
    for i, arg in enumerate(eqn.args):
        if not (isinstance(arg, str) and arg in graph.active):
            continue
        if prim.variadic:
            contribution = partials[0](g, ans, i, operands, ctx)
        else:
            partial = partials[i]
            if partial is None:
                continue
            contribution = partial(g, ans, *operands, ctx)
        if contribution is None:  # a user's rule said: no gradient for this operand
            continue
        if spread:  # np.full_like(x, g / n) -> g / n, spread later by broadcasting
            contribution = E(to_ast(contribution).args[1])
        if eqn.prim == "custom" and ctx.rule.elementwise:
            contribution = unbroadcast(contribution, arg, eqn.out, graph, exact=False)
        found.append((arg, contribution))
    return found


def shape_donor(graph: Graph, x: str) -> str:
    """A value of ``x``'s known shape that the gradient needs anyway, for a spread
    adjoint's ``np.size(x)``: for ``np.mean(d ** 2)`` that is ``d``, and ``d ** 2``
    need not be computed in ``grad_f`` at all.  An active operand of ``x``'s
    elementwise node; else ``x`` itself.  Only for the size: ``np.full_like(d, g)``
    would take ``d``'s dtype, not ``x``'s (an int ``d`` in ``d * 0.5`` gave zeros)."""
    shape = graph.shapes.get(x)
    if shape is None or (isinstance(shape, tuple) and None in shape):
        return x
    eqn = sole_producer(graph, x)
    if eqn is None or eqn.prim == "copy" or not PRIMITIVES[eqn.prim].elementwise:
        return x  # a merge or carried name: its operand differs by path
    for a in eqn.args:
        if isinstance(a, str) and a in graph.active and graph.shapes.get(a) == shape:
            return a
    return x


def sole_producer(graph: Graph, x: str) -> Eqn | None:
    """The one equation that computes ``x``; None for a parameter, and for a name
    assigned on several paths (a merge after an ``if``, a loop-carried name)."""
    found = [e for e in graph.eqns if e.out == x]
    return found[0] if len(found) == 1 else None


def _broadcast_spreads(graph: Graph, eqn: Eqn) -> bool:
    """Whether the adjoint of ``x`` in ``np.sum(x)`` / ``np.mean(x)`` (all axes) can
    stay the scalar ``g / n`` instead of ``np.full_like(x, g / n)``: the hand-written
    ``(y - t) * (2 / n)`` of a mean squared error, one array pass fewer.

    It can when ``x`` is read by nothing else and the contributions of ``x``'s own
    (elementwise) node, computed with that scalar, have ``x``'s shape and the
    right dtype anyway: each contribution to an operand ``d`` multiplies it by
    ``d`` itself or by ``x`` (``g * (2 * d)`` for ``x = d ** 2``, ``g * x`` for
    ``x = np.exp(d)``), so broadcasting spreads it there, for free, in ``d``'s
    dtype.  Another factor would not do: for ``x = d * m`` with a bool mask
    ``m``, ``g * m`` is neither ``d``'s dtype nor, from a sum, even a float.
    """
    x = eqn.args[0]
    shape = graph.shapes.get(x) if isinstance(x, str) else None
    producer = sole_producer(graph, x) if isinstance(x, str) else None
    if (
        dict(eqn.params).get("axis") is not None
        or not isinstance(shape, tuple)
        or shape == SCALAR
        or producer is None
        or producer.prim == "copy"
        or not PRIMITIVES[producer.prim].elementwise
        or x in graph.fn.params
        or x == graph.fn.output
        or sum(e.variables().count(x) for e in graph.eqns) != 1
        or any(x in structure_reads(s) for s in structures(graph.body))
    ):
        return False
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    g = bar(x, primal)
    contributions = _contributions(graph, producer, name(g), name(producer.out))
    return bool(contributions) and all(
        graph.shapes.get(operand) == shape
        and _float_extent(to_ast(c), {g: SCALAR, operand: shape, x: shape}) == shape
        for operand, c in contributions
    )


def spread_adjoints(graph: Graph) -> set[str]:
    """The adjoints that stay scalars, spread by broadcasting (``_broadcast_spreads``)."""
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    return {
        bar(e.args[0], primal)
        for e in graph.eqns
        if PRIMITIVES[e.prim].shape_only
        and e.out in graph.active
        and _broadcast_spreads(graph, e)
    }


def _float_extent(node: ast.expr, carriers: dict[str, Shape]) -> Shape | None:
    """The broadcast shape of the ``carriers`` in an elementwise expression, which
    the expression then has, with their dtype; None where another name is a
    factor (bool masks, ``x > 0``, only scale) or the expression is not elementwise."""
    if isinstance(node, ast.Name):
        return carriers.get(node.id, SCALAR) if node.id in carriers else None
    if isinstance(node, ast.Constant):
        return SCALAR if type(node.value) in (int, float) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _float_extent(node.operand, carriers)
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.MatMult):
        parts = [node.left, node.right]
    elif isinstance(node, ast.Compare):
        return SCALAR  # a bool mask: it scales, carries no float
    elif _keeps_float(numpy_function(node)) and not node.keywords:
        parts = node.args
    else:
        return None
    extents = [_float_extent(p, carriers) for p in parts]
    return None if None in extents else broadcast(*extents)


def _keeps_float(function: str | None) -> bool:
    """Whether numpy's ``function`` has the broadcast shape and the float dtype of
    its (float) operands (np.where's condition carries neither)."""
    prim = PRIMITIVES.get(function or "")
    return prim is not None and prim.keeps_float


def rule_context(graph: Graph, eqn: Eqn) -> RuleContext:
    """What every rule receives after its operands: the node's static parameters,
    the operands' ranks and activity, and the library of the call."""
    return RuleContext(
        params={k: v for k, v in eqn.params if k != "lib"},
        ndims=tuple(rank(shape_of(a, graph.shapes)) for a in eqn.args),
        active=tuple(isinstance(a, str) and a in graph.active for a in eqn.args),
        lib=library(dict(eqn.params).get("lib")),
    )


def unbroadcast(
    contribution: E, operand: str, out: str, graph: Graph, exact: bool = True
) -> E:
    """Reduce a contribution of the output's shape to ``operand``'s shape, if they can differ.
    Not ``exact``: the contribution may already have the operand's shape (a user's
    rule may return either), so only reductions that leave such a value alone."""
    plan = reduction(graph.shapes.get(operand), graph.shapes.get(out))
    if not exact and not plan.is_identity and not plan.to_scalar:
        return runtime.unbroadcast(contribution, name(operand))
    return _reduce(contribution, operand, plan)


def reduce_to(value: E, operand: str, shape: Shape, graph: Graph) -> E:
    """``value``, of ``shape`` (at most), reduced to ``operand``'s shape."""
    return _reduce(value, operand, reduction(graph.shapes.get(operand), shape))


def _reduce(contribution: E, operand: str, plan: Reduction) -> E:
    """``contribution`` summed over the axes ``plan`` names (the runtime finds them
    where shapes are not known statically)."""
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


# Factors that keep finite values finite: a waiting sum may be taken after them.
_SAFE_CALLS = {"cos", "sin", "tanh", "sign", "where"}


def _inf_safe(node: ast.expr) -> bool:
    """Whether an elementwise contribution multiplies its adjoint only by factors
    that cannot be inf where the values are finite (no division, no negative
    power, no log).  Then summing first or last differs by rounding only; after
    ``1 / s`` at s = 0 it would not: sum(g) / 0 is inf, sum(g / 0) inf - inf."""
    for n in ast.walk(node):
        if isinstance(n, ast.BinOp) and isinstance(
            n.op, (ast.Div, ast.FloorDiv, ast.Mod)
        ):
            return False
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow):
            exponent = number(n.right)  # x ** (2 - 1): a literal, once folded
            if not (type(exponent) is int and exponent >= 0):
                return False
        if isinstance(n, ast.Call) and numpy_function(n) not in _SAFE_CALLS:
            return False
    return True


def _same_shape(graph: Graph, eqn: Eqn) -> str:
    """A name of ``eqn.out``'s shape to reduce its adjoint to: an operand known to
    have it (a parameter, already at hand), else ``eqn.out`` itself."""
    shape = graph.shapes.get(eqn.out)
    for a in eqn.args:
        if isinstance(a, str) and _known_equal(graph.shapes.get(a), shape):
            return a
    return eqn.out


def _known_equal(a: Shape, b: Shape) -> bool:
    """Whether two shapes are statically known to be the same."""
    if isinstance(a, tuple):
        return a == b and None not in a
    return isinstance(a, Same) and a == b


def _assigned_once(graph: Graph) -> set[str]:
    """Parameters never reassigned, and names one equation assigns (not a merge
    after an ``if``, nor a loop's carried name)."""
    counts: dict[str, int] = {}
    for e in graph.eqns:
        counts[e.out] = counts.get(e.out, 0) + 1
    once = {n for n, c in counts.items() if c == 1}
    return once | {p for p in graph.fn.params if p not in counts}


def _zero_adjoint(graph: Graph, param: str, primal: set[str]) -> ast.stmt:
    """``x_bar = 0.0``: the output does not depend on ``x``; the gradient has ``x``'s shape."""
    value = E(0.0) if graph.shapes.get(param) == SCALAR else np.zeros_like(name(param))
    return assign(bar(param, primal), value)
