"""Stage 6, sweeps: reverse mode's functions, as output IR: forward_f, backward_f, grad_f, value_and_grad_f.

For a function ``f`` the generated module holds

* ``forward_f(*args) -> (out, tape)``: the primal, one statement per node,
  and a tape of exactly the values ``backward_f`` reads;
* ``backward_f(tape, <out>_bar=1.0) -> tuple``: the adjoint blocks, each under a
  comment with the node it differentiates, returning one adjoint per ``wrt``;
* ``grad_f(*args) -> tuple``: both sweeps fused, with no tape at all, and
  ``value_and_grad_f``, which returns the value too.

Control flow keeps its shape in both sweeps.  A value computed inside a
branch or a loop that the backward sweep reads is recorded where it is
computed, on a stack of its own (``n5_stack.append(n5)``), and taken back at
the start of the same block, reversed (``n5 = n5_stack.pop()``): pushes and
pops are paired by name.  A loop that can stop early (``while``, ``break``)
counts its iterations (``loop1_trips``); a ``for`` loop over ``range`` runs
backwards over the same range.  Straight-line code has no stacks at all.

The functions are ``program.Function`` values; the optimize passes rewrite
them and ``emit`` prints them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from . import program as P
from .containers import packed_results, wrt_names
from .custom import module_globals as custom_module_globals
from .expr import to_ast
from .graph import Graph, effects, needed_by
from .ir import Break, Const, Eqn, Function, If, Loop, Stmt, loops
from .naming import EMITTED_GLOBALS, suffixed
from .primitives import primal_statement
from .reverse import AdjointBlock, Backward, Item, ReverseIf, ReverseLoop
from .shapes import SCALAR, Shape
from .simplify import simplify
from .structures import leaf_names, structure_ast

Block = list[P.Stmt]
# Names the backward sweep reads that are neither its own nor the tape's.
BUILTINS = frozenset({"len", "abs", "max", "min", "range", "reversed"})


@dataclass
class Compiled:
    """One function's graph and backward sweep, ready to emit."""

    graph: Graph
    backward: Backward
    # grad_f's sweeps past its check that the output is a scalar, where that
    # check tells shapes the graph does not know (shapes.checked_scalar)
    past_check: Compiled | None = None


def reverse_functions(c: Compiled) -> list[P.Definition]:
    """forward_f, backward_f, grad_f and value_and_grad_f of one model function."""
    fn = c.graph.fn
    writer = _Writer(c)
    tape = _names_tuple(writer.tape)
    forward = P.Function(
        f"forward_{fn.name}",
        P.FORWARD,
        signature(fn),
        f"Forward sweep of `{fn.name}` ({plain(fn.path)}): its value, and the tape backward_{fn.name} reads.",
        (*writer.forward, P.Return(ast.Tuple([returned_value(fn), tape], ast.Load()))),
        fn.name,
    )
    seed = c.backward.seed
    backward = P.Function(
        f"backward_{fn.name}",
        P.BACKWARD,
        (P.Param("tape"), P.Param(seed, ast.Constant(1.0))),
        f"Reverse sweep of `{fn.name}`: adjoints of {', '.join(wrt_names(fn)) or 'no parameter'}, given {seed}.",
        (
            *([P.Unpack(tuple(writer.tape), _name("tape"))] if writer.tape else []),
            *_copied_stacks(writer),
            *writer.backward,
            P.Return(packed_results(fn, c.backward.results)),
        ),
        fn.name,
    )
    shape = _output_shape(c.graph)  # grad_f checks it is a scalar, where not known
    if c.past_check is not None:
        c, writer = c.past_check, _Writer(c.past_check)
    return [
        forward,
        backward,
        *_fused(c, writer, shape),
        *_fused(c, writer, shape, True),
    ]


def _copied_stacks(writer: _Writer) -> Block:
    """``backward_f`` pops its own copies of the tape's stacks: a tape may be swept
    back more than once (a ``vjp`` pullback called for several seeds)."""
    stacks = [n for n in writer.tape if n in writer.stacks]
    if not stacks:
        return []
    copies = [P.Assign(n, _call("list", _name(n))) for n in stacks]
    return [P.Comment("pop from copies: the tape may be swept back again"), *copies]


def _output_shape(graph: Graph) -> Shape:
    fn = graph.fn
    return graph.shapes.get(fn.output) if isinstance(fn.output, str) else SCALAR


def _fused(
    c: Compiled, writer: _Writer, shape: Shape, with_value: bool = False
) -> list[P.Definition]:
    """``grad_f``: both sweeps fused, computing only the primal values the backward
    sweep reads (the tape's, and what they need). It needs a scalar output: where
    the output's ``shape`` is not known statically it checks at run time (and
    ``c`` may be the sweeps past that check: ``Compiled.past_check``); where it is
    known not to be a scalar there is no ``grad_f`` (``backward_f`` takes a seed).
    ``value_and_grad_f`` is the same, returning the value too (a training step's
    loss and gradient)."""
    fn = c.graph.fn
    if isinstance(shape, tuple) and shape != SCALAR:
        return [] if with_value else [_no_grad_note(c, shape)]
    name = f"value_and_grad_{fn.name}" if with_value else f"grad_{fn.name}"
    check = (
        []
        if shape == SCALAR
        else [
            P.ScalarCheck(
                fn.output,
                f"{name} needs a scalar output; use backward_{fn.name} with a seed",
            )
        ]
    )
    wanted = _wanted(c.graph, bool(check) or with_value)
    if c.graph.straight_line:
        needed = _needed(c.graph, set(writer.tape) | wanted)
    else:  # every structure stays: the backward sweep replays it
        needed = needed_by(c.graph.body, writer.reads | wanted)
    forward = writer.forward_block(c.graph.body, keep=needed)
    # s = s_stack.pop() would restore a returned name: keep its value first
    written = _written(writer.backward)
    kept: Block = []
    renamed: dict[str, str] = {}
    returned_names = (
        {fn.output} if with_value and isinstance(fn.output, str) else set()
    ) | leaf_names(fn.aux)
    for n in sorted(returned_names & written):
        renamed[n] = suffixed(n, "value", writer.primal)
        kept.append(P.Assign(renamed[n], _name(n)))

    def kept_atom(a: object) -> ast.expr:
        return _name(renamed[a]) if isinstance(a, str) and a in renamed else atom(a)

    value = kept_atom(fn.output)
    wrt = ", ".join(wrt_names(fn)) or "no parameter"
    results = packed_results(fn, c.backward.results)
    aux = [structure_ast(fn.aux, kept_atom)] if fn.has_aux else []
    if with_value:
        doc = f"Value of `{fn.name}` and its gradient with respect to {wrt}"
        value = ast.Tuple([value, *aux], ast.Load()) if aux else value
        returned: ast.expr = ast.Tuple([value, results], ast.Load())
    else:
        doc = f"Gradient of `{fn.name}` with respect to {wrt}"
        returned = ast.Tuple([results, *aux], ast.Load()) if aux else results
    if aux:
        doc += ", and the aux it returns"
    body = [
        *forward,
        *check,
        *kept,
        P.Assign(c.backward.seed, ast.Constant(1.0)),
        *writer.backward,
        P.Return(returned),
    ]
    role = P.VALUE_AND_GRAD if with_value else P.GRAD
    params = signature(fn)
    return [
        P.Function(
            name,
            role,
            params,
            f"{doc}: both sweeps fused, no tape.",
            tuple(body),
            fn.name,
            fn.has_aux,
        )
    ]


def _no_grad_note(c: Compiled, shape: tuple) -> P.Note:
    fn = c.graph.fn
    return P.Note(
        (
            f"# No grad_{fn.name}: `{fn.name}` returns an array of shape {shape}, not a scalar;",
            f"# seed backward_{fn.name}(tape, {c.backward.seed}) with an array of that shape instead.",
        )
    )


def _wanted(graph: Graph, output: bool) -> set[str]:
    """What the fused gradient's forward part computes besides the tape: the
    output if ``output`` (returned, or checked a scalar), the aux, and the model's
    print and assert, which run where the model ran them."""
    fn = graph.fn
    returned = {fn.output} if output and isinstance(fn.output, str) else set()
    return returned | leaf_names(fn.aux) | effects(graph.eqns)


def _needed(graph: Graph, wanted: set[str]) -> set[str]:
    """The nodes that ``wanted`` values depend on, themselves included."""
    needed = set(wanted)
    for eqn in reversed(graph.eqns):
        if eqn.out in needed:
            needed.update(eqn.variables())
    return needed


class _Writer:
    """Writes both sweeps of one function.

    The backward sweep is written first, to learn which primal values it reads
    (``reads``); the forward sweep then records exactly those: on the tape when
    computed at the top level of the function, on a stack when computed inside a
    branch or a loop."""

    def __init__(self, c: Compiled):
        self.c = c
        graph = c.graph
        self.primal = {*graph.fn.params, *(e.out for e in graph.eqns)}
        self.joins = _joins(graph.body)
        self.tests = {
            e.out for loop in loops(graph.body) for e in loop.test if isinstance(e, Eqn)
        }
        self.reads: set[str] = set()
        self.reads = _read(self.backward_block(c.backward.blocks))
        self.backward = self.backward_block(c.backward.blocks) + [
            _statement(s) for s in c.backward.zeros
        ]
        self.reads = _read(self.backward)
        self.forward = self.forward_block(graph.body)
        self.stacks = {
            self.stack(n)
            for stmt in _structures(graph.body)
            for n in self.stacked(stmt)
        }
        self.tape = self.tape_names()

    # --- names ---------------------------------------------------------------
    def stack(self, name: str) -> str:
        return suffixed(name, "stack", self.primal)

    def trips(self, loop: Loop) -> str:
        return suffixed(loop.label, "trips", self.primal)

    def sites(self, block: list[Stmt]) -> list[str]:
        """Values a block computes at its own level that the backward sweep reads."""
        names: list[str] = []
        for stmt in block:
            if isinstance(stmt, Eqn) and stmt.out not in self.joins | self.tests:
                names.append(stmt.out)
            elif isinstance(stmt, If):
                names += stmt.merged
            elif isinstance(stmt, Loop):
                names += stmt.carried + ([self.trips(stmt)] if _counts(stmt) else [])
        return [n for n in dict.fromkeys(names) if n in self.reads]

    def top_sites(self, loop: Loop) -> list[str]:
        """Values a loop iteration starts with: carried names, and a counted loop's index."""
        names = loop.carried + ([loop.index] if loop.index and _counts(loop) else [])
        return [n for n in names if n in self.reads]

    def pushes(self, names: list[str]) -> Block:
        return [P.Push(self.stack(n), n) for n in names]

    def pops(self, names: list[str]) -> Block:
        return [P.Pop(n, self.stack(n)) for n in names]

    def stacked(self, stmt: If | Loop) -> list[str]:
        """Every name recorded on a stack inside ``stmt``, in order of first push."""
        names: list[str] = []
        if isinstance(stmt, Loop):
            names += self.top_sites(stmt)
        blocks = [stmt.then, stmt.orelse] if isinstance(stmt, If) else [stmt.body]
        for block in blocks:
            names += self.sites(block)
            for inner in block:
                if isinstance(inner, (If, Loop)):
                    names += self.stacked(inner)
        return list(dict.fromkeys(names))

    # --- forward ------------------------------------------------------------
    def forward_block(
        self, body: list[Stmt], keep: set[str] | None = None, nested: bool = False
    ) -> Block:
        """One statement per node (of those in ``keep``), each group under a comment
        with the user's statement; inside a structure, each value the backward sweep
        reads is pushed on its stack."""
        out: Block = []
        last = None
        for stmt in body:
            if isinstance(stmt, Eqn):
                if keep is not None and stmt.out not in keep:
                    continue
                if stmt.origin is not None and stmt.origin != last:
                    out.append(P.Comment(stmt.origin.text))
                    last = stmt.origin
                out.append(_statement(primal_statement(stmt)))
            elif isinstance(stmt, Break):
                out.append(P.Break())
                continue
            else:
                if not nested:
                    out += [
                        P.Assign(self.stack(n), _list()) for n in self.stacked(stmt)
                    ]
                structure = self.forward_structure(stmt, keep)
                if structure[0] == P.Comment(_origin_text(last)):
                    structure = structure[
                        1:
                    ]  # the statement's comment is there already
                out += structure
                last = None
            if nested:
                out += self.pushes(self.sites([stmt]))
        return out

    def forward_structure(self, stmt: If | Loop, keep: set[str] | None = None) -> Block:
        comment = P.Comment(stmt.origin.text if stmt.origin else "if")
        if isinstance(stmt, If):
            then = self.forward_block(stmt.then, keep, nested=True)
            orelse = self.forward_block(stmt.orelse, keep, nested=True)
            return [comment, P.If(atom(stmt.cond), tuple(then), tuple(orelse))]
        loop = stmt
        trips = self.trips(loop)
        out: Block = [P.Comment(loop.origin.text if loop.origin else "loop")]
        out += [P.Assign(trips, ast.Constant(0))] if _counts(loop) else []
        test = self.forward_block(loop.test, keep)
        body: Block = [P.Increment(trips)] if _counts(loop) else []
        body += self.pushes(self.top_sites(loop))
        body += self.forward_block(loop.body, keep, nested=True)
        if loop.is_while:
            if not (loop.body and isinstance(loop.body[-1], Break)):
                body += test
            return [*out, *test, P.While(atom(loop.cond), tuple(body))]
        return [*out, P.For(loop.index, _range(loop.bounds), tuple(body))]

    # --- backward -----------------------------------------------------------
    def backward_block(self, items: list[Item]) -> Block:
        out: Block = []
        for item in items:
            if isinstance(item, AdjointBlock):
                out.append(P.Comment(item.comment))
                out += [_statement(simplify(s)) for s in item.statements]
            elif isinstance(item, ReverseIf):
                out += self.backward_if(item)
            else:
                out += self.backward_loop(item)
        return out

    def backward_if(self, item: ReverseIf) -> Block:
        stmt = item.forward
        then = self.pops(self.sites(stmt.then)) + self.backward_block(item.then)
        orelse = self.pops(self.sites(stmt.orelse)) + self.backward_block(item.orelse)
        comment = P.Comment(stmt.origin.text if stmt.origin else "if")
        return [comment, P.If(atom(stmt.cond), tuple(then), tuple(orelse))]

    def backward_loop(self, item: ReverseLoop) -> Block:
        loop = item.forward
        out: Block = [_statement(s) for s in item.zeros]
        out.append(
            P.Comment(f"{loop.origin.text} (backwards)" if loop.origin else "loop")
        )
        body = self.pops(self.top_sites(loop) + self.sites(loop.body))
        body += self.backward_block(item.body)
        if _counts(loop):
            iterable = _call("range", _name(self.trips(loop)))
            return [*out, P.For("_", iterable, tuple(body))]
        iterable = _call("reversed", _range(loop.bounds))
        return [*out, P.For(loop.index, iterable, tuple(body))]

    # --- tape ---------------------------------------------------------------
    def tape_names(self) -> list[str]:
        """What backward reads from forward: top-level values, then each stack."""
        fn = self.c.graph.fn
        order = list(fn.params)
        for stmt in self.c.graph.body:
            if isinstance(stmt, (If, Loop)):
                order += [self.stack(n) for n in self.stacked(stmt)]
            order += self.sites([stmt]) if not isinstance(stmt, Eqn) else [stmt.out]
        outside = {
            *custom_module_globals(self.c.graph.eqns),
            self.c.backward.seed,
            *EMITTED_GLOBALS,
            *BUILTINS,
        }
        live = live_in(tuple(self.backward), set()) - outside
        missing = live - set(order)
        assert not missing, f"backward reads undefined names {sorted(missing)}"
        return [n for n in dict.fromkeys(order) if n in live]


def live_in(body: tuple[P.Stmt, ...] | list[P.Stmt], live: set[str]) -> set[str]:
    """Names ``body`` reads before assigning them (liveness, over ifs and loops):
    what the backward sweep must be given rather than compute or pop itself.
    One set, updated in place (a new set per statement was quadratic)."""
    live = set(live)
    for stmt in reversed(body):
        if isinstance(stmt, P.If):
            live = live_in(stmt.then, live) | live_in(stmt.orelse, live) | _reads(stmt)
        elif isinstance(stmt, P.For | P.While):  # the body may run no time, or again
            bound = {stmt.index} if isinstance(stmt, P.For) else set()
            # One pass is the fixed point: a body adds to what is live after it only
            # names it reads, so a second pass from live | body_live adds nothing
            # (and two passes per loop took 2 ** depth passes over nested loops).
            live |= live_in(stmt.body, live) - bound
            live |= _reads(stmt)
        else:
            live -= _stored(stmt)
            live |= _reads(stmt)
    return live


def _reads(stmt: P.Stmt) -> set[str]:
    return set(P.reads(stmt))


def _stored(stmt: P.Stmt) -> set[str]:
    """Names a statement binds (a pop binds its name; its stack is read, not bound)."""
    if isinstance(stmt, P.Pop):
        return {stmt.name}
    return P.writes(stmt) if not isinstance(stmt, P.Push) else set()


def _read(body: Block) -> set[str]:
    return {n for s in P.walk(tuple(body)) for n in P.reads(s)}


def _written(body: Block) -> set[str]:
    return {n for s in P.walk(tuple(body)) for n in _stored(s)}


def _statement(stmt: ast.stmt) -> P.Assign | P.Accumulate | P.Effect:
    """An ``ast.Assign`` the sweeps built, as IR; or a model's ``print``/``assert``."""
    if isinstance(stmt, ast.Expr):
        return P.Effect(stmt.value)
    if isinstance(stmt, ast.Assert):
        message = None if stmt.msg is None else stmt.msg.value  # type: ignore[attr-defined]
        return P.Effect(stmt.test, True, message)
    assert isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
    return P.assignment(stmt.targets[0].id, stmt.value)


def _origin_text(origin: object) -> str:
    return getattr(origin, "text", "")


def _counts(loop: Loop) -> bool:
    """Does the loop count its iterations (it may stop early), or rerun its range?"""
    return loop.is_while or loop.has_break


def _joins(body: list[Stmt]) -> set[str]:
    """Merge and carried names: assigned in several places, recorded after their structure."""
    names: set[str] = set()
    for stmt in body:
        if isinstance(stmt, If):
            names |= set(stmt.merged) | _joins(stmt.then) | _joins(stmt.orelse)
        elif isinstance(stmt, Loop):
            names |= set(stmt.carried) | _joins(stmt.body)
    return names


def _structures(body: list[Stmt]) -> list[If | Loop]:
    """The ifs and loops at the top level of a function (they own the stacks)."""
    return [stmt for stmt in body if isinstance(stmt, (If, Loop))]


def signature(fn: Function) -> tuple[P.Param, ...]:
    """The model function's parameters, with its defaults (``scale=2.0``)."""
    return tuple(
        P.Param(p, atom(fn.defaults[p]) if p in fn.defaults else None)
        for p in fn.params
    )


def returned_value(fn: Function) -> ast.expr:
    """What the model function returns: its output, or with has_aux ``(output, aux)``."""
    if not fn.has_aux:
        return atom(fn.output)
    return ast.Tuple([atom(fn.output), structure_ast(fn.aux, atom)], ast.Load())


def atom(a: object) -> ast.expr:
    """An IR atom (a name or a constant) as an expression."""
    return to_ast(a.value) if isinstance(a, Const) else _name(str(a))


def _name(n: str) -> ast.Name:
    return ast.Name(n, ast.Load())


def _call(function: str, *args: ast.expr) -> ast.Call:
    return ast.Call(_name(function), list(args), [])


def _list() -> ast.List:
    return ast.List([], ast.Load())


def _range(bounds: list) -> ast.Call:
    return _call("range", *(atom(b) for b in bounds))


def _names_tuple(names: list[str]) -> ast.Tuple:
    return ast.Tuple([_name(n) for n in names], ast.Load())


def plain(path: str) -> str:
    """A path safe inside comments and docstrings: ``/`` separators, no quotes."""
    return path.replace("\\", "/").replace('"', "").replace("\n", " ")
