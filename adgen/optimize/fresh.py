"""Fresh results: a gradient never is an array the caller passed in.

The seed 1 folded away, d(x . w)/dx is w itself: ``x_bar = w``, which is how
the lecture writes it.  Returned as it is, the caller's ``w`` and the gradient
would be one array, and a training loop that scales its gradients in place
(``g *= 0.5``, gradient clipping) would change its weights too.  JAX's arrays
cannot be changed, and autograd and torch return new ones; so does adgen:
each assignment that may make a returned adjoint (or tangent) one of the
caller's arrays copies it instead, ``x_bar = fresh_copy(w)`` (an array
copied, a number as it is).  So does
``x_bar = unbroadcast(seed, x)``, which is the seed itself where the shapes
agree, and a view: ``x_bar = n3`` where ``n3 = W[0]``, ``x_bar = n_bar.T``
(the primitives whose records say ``view``).  Results in a container (a dict
parameter's gradient) count too.

Which values are the caller's: the parameters (the seed of ``backward_f`` and
the tangents of ``jvp_f`` too), and in ``backward_f`` the parameters the tape
carries.  Python numbers (``x: float``) cannot be changed and are left alone.
The analysis follows assignments in order, merging the branches of an ``if``;
a loop is entered with whatever any of its rounds may leave; where it cannot
tell, it copies.
"""

from __future__ import annotations

import ast
import collections
from dataclasses import replace

from .. import program as P
from ..graph import Graph
from ..ir import all_eqns
from ..primitives import PRIMITIVES

COPY = "fresh_copy"
Sites = frozenset[int]  # the ids of the alias assignments a value may come from
CALLER = -1  # "the caller's own object, as passed"


def fresh_results(fn: P.Function, graph: Graph) -> P.Function:
    """``fn`` with every alias assignment that may reach a returned result made a copy."""
    caller = _caller_names(fn, graph)
    if not caller or fn.role == P.FORWARD:
        return fn
    flow = _Flow(fn, caller)
    flow.block(fn.body)
    if not flow.copy:
        return fn

    def copied(stmt: P.Stmt) -> P.Stmt:
        if isinstance(stmt, P.Assign) and id(stmt) in flow.copy:
            return P.Assign(stmt.target, _copy(stmt.value))
        if isinstance(stmt, P.Return) and id(stmt) in flow.copy:
            return P.Return(_copied_returns(stmt.value, fn, caller))
        return stmt

    return replace(fn, body=P.map_statements(fn.body, copied))


def _caller_names(fn: P.Function, graph: Graph) -> set[str]:
    """The names bound to the caller's own (changeable) objects on entry: the
    parameters, and in ``backward_f`` the model's parameters on the tape and
    the views of them it carries."""
    numbers = set(graph.fn.numbers)
    names = {p.name for p in fn.params} - numbers
    if fn.role == P.BACKWARD:  # and the views of them it carries (W[0], X.T)
        names = (names - {"tape"}) | _with_views(graph, set(graph.fn.params) - numbers)
    return names


def _with_views(graph: Graph, names: set[str]) -> set[str]:
    """``names`` and the graph's values that are views of them, at any depth."""
    names = set(names)
    for eqn in all_eqns(graph.body):
        first = eqn.args[0] if eqn.args else None
        if PRIMITIVES[eqn.prim].view and isinstance(first, str) and first in names:
            names.add(eqn.out)
    return names


class _Flow:
    """Which alias assignments (``a = b``) each name's value may come from, in
    order; ``copy``: those that reach a returned result, and the returns that
    give back a caller's object as it is."""

    def __init__(self, fn: P.Function, caller: set[str]):
        self.fn, self.caller = fn, caller
        entry = caller if fn.role != P.BACKWARD else {p.name for p in fn.params}
        self.sites: dict[str, Sites] = {n: _CALLERS for n in entry & caller}
        self.copy: set[int] = set()
        self.anywhere = _alias_sites(fn.body, caller)

    def block(self, body: tuple[P.Stmt, ...]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: P.Stmt) -> None:
        if isinstance(stmt, P.Assign) and _aliased(stmt.value) is not None:
            aliased = self.sites.get(_aliased(stmt.value), _NONE)
            self.sites[stmt.target] = frozenset({id(stmt)}) if aliased else _NONE
        elif isinstance(stmt, P.Unpack) and _is_name(stmt.value, "tape"):
            for name in stmt.targets:  # the tape's parameters: the caller's arrays
                self.sites[name] = _CALLERS if name in self.caller else _NONE
        elif isinstance(stmt, P.Return):
            self.returned(stmt)
        elif isinstance(stmt, P.If):
            self.paths(stmt.then, stmt.orelse)
        elif isinstance(stmt, P.For | P.While):
            self.loop(stmt.body)
        elif isinstance(stmt, P.Rerun):
            self.block(stmt.body)  # the handler calls the sweeps: their own results
        elif isinstance(stmt, P.Pop):  # a pushed value may be the caller's
            self.sites[stmt.name] = _CALLERS
        elif not isinstance(stmt, P.FloatPath):  # Python floats: nothing to copy
            for name in P.writes(stmt):
                self.sites[name] = _NONE

    def loop(self, body: tuple[P.Stmt, ...]) -> None:
        """``body`` run zero, one or more times: entered with what any round may
        leave in the names it writes (the whole function's alias sites of
        each, ``anywhere``), once, so that nested loops cost one walk each."""
        written = {n for s in P.walk(body) for n in P.writes(s)}
        entry = {n: self.sites.get(n, _NONE) | self.anywhere[n] for n in written}
        self.paths((), body, entry=entry)

    def paths(
        self, *bodies: tuple[P.Stmt, ...], entry: dict[str, Sites] | None = None
    ) -> None:
        """Each of ``bodies`` run from here; after, what any of them may leave."""
        before, merged = self.sites, {}
        for body in bodies:
            self.sites = {**before, **(entry or {})} if body else dict(before)
            self.block(body)
            for name, sites in self.sites.items():
                merged[name] = merged.get(name, _NONE) | sites
        self.sites = merged

    def returned(self, stmt: P.Return) -> None:
        for name in _result_names(_results(stmt.value, self.fn)):
            sites = self.sites.get(name, _NONE)
            self.copy |= sites - _CALLERS
            if CALLER in sites:
                self.copy.add(id(stmt))


def _alias_sites(body: tuple[P.Stmt, ...], caller: set[str]) -> dict[str, Sites]:
    """Every alias site each name's value may come from anywhere in ``body``,
    whatever the order: what a loop's later rounds may bring back to its start."""
    sites: dict[str, Sites] = {n: _CALLERS for n in caller}
    aliases = [s for s in P.walk(body) if isinstance(s, P.Assign | P.Pop)]
    changed = True
    while changed:
        changed = False
        for stmt in aliases:
            if isinstance(stmt, P.Pop):
                name, new = stmt.name, _CALLERS
            elif sites.get(_aliased(stmt.value)):  # type: ignore[arg-type]
                name, new = stmt.target, frozenset({id(stmt)})
            else:
                continue
            if not new <= sites.get(name, _NONE):
                sites[name] = sites.get(name, _NONE) | new
                changed = True
    return collections.defaultdict(frozenset, sites)


_NONE: Sites = frozenset()
_CALLERS: Sites = frozenset({CALLER})


def _results(value: ast.expr, fn: P.Function) -> ast.expr | None:
    """The part of a returned value that is the gradients (or the tangent):
    ``value_and_grad_f``'s and ``jvp_f``'s second entry, ``grad_f``'s first where
    it returns an aux, else all."""
    index = 1 if fn.role in (P.VALUE_AND_GRAD, P.JVP) else None
    if fn.role == P.GRAD and fn.returns_aux:
        index = 0
    if index is None:
        return value
    is_tuple = isinstance(value, ast.Tuple) and len(value.elts) > index
    return value.elts[index] if is_tuple else None  # type: ignore[attr-defined]


def _result_names(value: ast.expr | None) -> list[str]:
    """The names a returned value gives back as they are (not through calls)."""
    if isinstance(value, ast.Name):
        return [value.id]
    if isinstance(value, ast.Tuple | ast.List):
        return [n for e in value.elts for n in _result_names(e)]
    if isinstance(value, ast.Dict):  # a container parameter's gradient
        return [n for e in value.values for n in _result_names(e)]
    return []


def _copied_returns(value: ast.expr, fn: P.Function, caller: set[str]) -> ast.expr:
    """``value`` with each caller's name among its results copied."""
    results = _results(value, fn)

    def fresh(node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Name) and node.id in caller:
            return _copy(node)
        if isinstance(node, ast.Tuple | ast.List):
            return type(node)([fresh(e) for e in node.elts], ast.Load())
        if isinstance(node, ast.Dict):
            return ast.Dict(node.keys, [fresh(v) for v in node.values])
        return node

    if results is value or not isinstance(value, ast.Tuple):
        return fresh(value)
    return ast.Tuple([fresh(e) if e is results else e for e in value.elts], ast.Load())


def _copy(value: ast.expr) -> ast.expr:
    """``fresh_copy(value)`` (runtime.py): an array copied, a number as it is.
    Not ``w.copy()``: the runtime API may run numpy code on another library's
    arrays, which have no such method."""
    return ast.Call(ast.Name(COPY, ast.Load()), [value], [])


def _aliased(value: ast.expr) -> str | None:
    """The name ``value`` may be the memory of: ``b`` in ``a = b``, ``a = b.T``,
    ``a = b[0]``, ``a = np.reshape(b, s)``, ``a = unbroadcast(b, x)``: the
    primitives whose records say ``view`` (numpy gives a view, or the operand)."""
    while not isinstance(value, ast.Name):
        operand = _viewed(value)
        if operand is None:
            return None
        value = operand
    return value.id


def _viewed(value: ast.expr) -> ast.expr | None:
    """The operand a view-giving primitive's spelling ``value`` reads, if it is one."""
    if isinstance(value, ast.Subscript):  # getitem: a basic index is a view
        return value.value
    if isinstance(value, ast.Attribute) and value.attr in _VIEWS.attributes:
        return value.value
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    if isinstance(func, ast.Name) and f"adgen.runtime.{func.id}" in _VIEWS.calls:
        return value.args[0] if value.args else None
    if (
        isinstance(func, ast.Attribute)
        and _is_name(func.value, "np")
        and f"numpy.{func.attr}" in _VIEWS.calls
    ):
        return value.args[0] if value.args else None
    if isinstance(func, ast.Attribute) and func.attr in _VIEWS.methods:
        return func.value
    return None


class _ViewSpellings:
    """How the primitives whose records say ``view`` are spelled in emitted code."""

    def __init__(self) -> None:
        views = [p for p in PRIMITIVES.values() if p.view]
        self.calls = {c for p in views for c in p.calls}
        self.methods = {m for p in views for m in p.methods}
        self.attributes = {a for p in views for a in p.attributes}


_VIEWS = _ViewSpellings()


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
