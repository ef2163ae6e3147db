"""Parameters that are containers of arrays (pytrees): one name per leaf inside, the container outside.

``def loss(params, X)`` with ``params = {"W": W, "b": b}``, or ``layers``, a
list of ``(W, b)`` pairs: once its structure is declared (``@adgen.shapes(params=
{"W": "2 3", "b": "3"})``, ``--like``, or the runtime API's arguments), the
lowerer gives each leaf a parameter of its own (``params_W``, ``layers_0_1``)
and ``params`` becomes a static structure of them, so ``params["W"]``,
``W, b = layer`` and ``for W, b in layers`` read names.  Every pass after
that sees flat parameters; this module puts the containers back at the two
ends of each emitted function:

* ``packed_results``: the gradients a function returns, one per ``wrt``
  parameter, with a container's leaves' adjoints repacked as it is
  (``{"W": params_W_bar, "b": params_b_bar}``);
* ``unflattened``: the last pass, on the output IR: each function that takes
  the model's arguments takes the container again and reads its leaves first
  (``params_W, params_b = params["W"], params["b"]``); calls between the
  emitted functions (a rerun on numpy floats) pass containers too.
"""

from __future__ import annotations

import ast
import copy
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import program as P
from .ir import Function
from .optimize.arguments import starred_rerun
from .structures import leaves, structure_ast

# the functions that take the model's arguments first (jvp_f its tangents after)
_TAKES_ARGUMENTS = (P.FORWARD, P.GRAD, P.VALUE_AND_GRAD, P.JVP)
_UNSAFE = re.compile(r"\W")


def is_declaration(node: ast.expr | None) -> bool:
    """Whether a parameter's declaration describes a container: a dict literal with
    string keys, a list or a tuple literal (of declarations, nested)."""
    return isinstance(node, (ast.Dict, ast.List, ast.Tuple))


def leaf_suffix(key: str | int) -> str:
    """What a key or a position adds to a leaf's name: ``W``, ``0``, ``W_1`` for "W-1"."""
    text = _UNSAFE.sub("_", str(key))
    return text if text and not keyword.iskeyword(text) else f"{text}_"


@dataclass(frozen=True)
class Leaf:
    """One leaf of a declared container: its parameter's name, and its declaration."""

    name: str
    declaration: ast.expr | None


def declared_leaves(node: ast.expr, prefix: str, name: Callable[[str], str]) -> Any:
    """The structure a container declaration describes, each leaf a ``Leaf`` whose
    name ``name`` gives from its path: ``params_W``, ``layers_0_1``."""
    if isinstance(node, ast.Dict):
        return {
            k.value: declared_leaves(v, f"{prefix}_{leaf_suffix(k.value)}", name)  # type: ignore[union-attr]
            for k, v in zip(node.keys, node.values, strict=True)
        }
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [
            declared_leaves(v, f"{prefix}_{i}", name) for i, v in enumerate(node.elts)
        ]
        return items if isinstance(node, ast.List) else tuple(items)
    return Leaf(name(prefix), node)


def packed_results(fn: Function, results: list[str]) -> ast.Tuple:
    """The tuple of gradients, one per ``wrt`` parameter: ``results`` are the
    adjoints of ``fn.wrt``'s leaves, in order; a container's come back in it."""
    by_leaf = dict(zip(fn.wrt, results, strict=True))
    elements: list[ast.expr] = []
    done: set[str] = set()
    for leaf in fn.wrt:
        owner = _owner(fn, leaf)
        if owner is None:
            elements.append(ast.Name(by_leaf[leaf], ast.Load()))
        elif owner not in done:
            done.add(owner)
            structure = fn.containers[owner]
            elements.append(
                structure_ast(structure, lambda n: ast.Name(by_leaf[n], ast.Load()))
            )
    return ast.Tuple(elements, ast.Load())


def wrt_names(fn: Function) -> list[str]:
    """``fn.wrt`` with each container's leaves named once, by the container: the
    parameters a docstring says the gradient is with respect to."""
    names: list[str] = []
    for leaf in fn.wrt:
        name = _owner(fn, leaf) or leaf
        if name not in names:
            names.append(name)
    return names


def _owner(fn: Function, leaf: str) -> str | None:
    """The container parameter ``leaf`` is a leaf of, if any."""
    for name, structure in fn.containers.items():
        if leaf in leaves(structure):
            return name
    return None


def unflattened(program: P.Program, models: list[Function]) -> P.Program:
    """The last pass: each emitted function of a model with container parameters
    takes the containers and reads their leaves on entry."""
    by_name = {fn.name: fn for fn in models if fn.containers}
    if not by_name:
        return program
    siblings = {
        f.name: by_name[f.model]
        for f in program.functions(*_TAKES_ARGUMENTS)
        if f.model in by_name
    }

    def rewrite(f: P.Function) -> P.Function:
        body = _calls_pass_containers(f.body, siblings)
        if f.model in by_name and f.role in _TAKES_ARGUMENTS:
            return _takes_containers(replace(f, body=body), by_name[f.model])
        return replace(f, body=body)

    return program.with_functions(rewrite)


def _takes_containers(f: P.Function, fn: Function) -> P.Function:
    """``f(params_W, params_b, X)`` -> ``f(params, X)`` reading ``params_W`` first;
    for ``jvp_f``, the tangents after the arguments the same way (``params_dot``)."""
    arity = len(fn.params)
    primal = [p.name for p in f.params[:arity]]
    tangents = [p.name for p in f.params[arity:]]
    taken = {p.name for p in f.params} | {
        n for s in P.walk(f.body) for n in (*P.reads(s), *P.writes(s))
    }
    params, entry = _grouped(fn, primal, {p.name: p for p in f.params}, {})
    if tangents:  # jvp_f: one tangent per wrt leaf, in order
        dot_of = dict(zip(fn.wrt, tangents, strict=True))
        renamed = {name: _fresh(f"{name}_dot", taken) for name in fn.containers}
        more, reads = _grouped(
            fn, fn.wrt, {t: P.Param(t) for t in tangents}, renamed, dot_of
        )
        params, entry = params + more, entry + reads
    return replace(f, params=tuple(params), body=(*entry, *f.body))


def _grouped(
    fn: Function,
    names: list[str],
    params: dict[str, P.Param],
    renamed: dict[str, str],
    mapped: dict[str, str] | None = None,
) -> tuple[list[P.Param], list[P.Stmt]]:
    """``names`` (leaves in order, each ``mapped`` to a parameter of ``f``) with each
    container's run of leaves made one parameter, and the statements reading them."""
    mapped = mapped or {n: n for n in names}
    out: list[P.Param] = []
    reads: list[P.Stmt] = []
    done: set[str] = set()
    for name in names:
        owner = _owner(fn, name)
        if owner is None:
            out.append(params[mapped[name]])
            continue
        if owner in done:
            continue
        done.add(owner)
        container = renamed.get(owner, owner)
        out.append(P.Param(container))
        paths = _paths(fn.containers[owner], ast.Name(container, ast.Load()))
        targets = tuple(mapped[leaf] for leaf, _ in paths)
        reads.append(P.Unpack(targets, ast.Tuple([v for _, v in paths], ast.Load())))
    return out, reads


def _paths(structure: Any, at: ast.expr) -> list[tuple[str, ast.expr]]:
    """``(leaf, the expression that reads it)`` for each leaf: ``params["W"]``."""
    if isinstance(structure, dict):
        items = [(ast.Constant(k), v) for k, v in structure.items()]
    elif isinstance(structure, (list, tuple)):
        items = [(ast.Constant(i), v) for i, v in enumerate(structure)]
    else:
        return [(structure, at)]
    return [
        path
        for key, item in items
        for path in _paths(item, ast.Subscript(at, key, ast.Load()))
    ]


def _fresh(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _calls_pass_containers(
    body: tuple[P.Stmt, ...], siblings: dict[str, Function]
) -> tuple[P.Stmt, ...]:
    """Calls of the model's own emitted functions (the rerun on numpy floats, the
    float path's fallback) pass each container rebuilt from its leaves' names:
    ``forward_f({"W": params_W, "b": params_b}, X)``."""
    if not siblings:
        return body
    out: list[P.Stmt] = []
    for stmt in body:
        if isinstance(stmt, P.Rerun):
            stmt = replace(
                stmt,
                body=_calls_pass_containers(stmt.body, siblings),
                handler=_unstarred(
                    _calls_pass_containers(stmt.handler, siblings), siblings
                ),
            )
        out.append(stmt)
    return P.map_statements(tuple(out), lambda s: _regroup_statement(s, siblings))


def _unstarred(
    handler: tuple[P.Stmt, ...], siblings: dict[str, Function]
) -> tuple[P.Stmt, ...]:
    """``return f(*numpy_floats_or_raise(params_W, X))`` -> the leaves rebound first,
    then ``return f({"W": params_W}, X)``."""
    found = starred_rerun(handler, siblings)
    comments = handler[:-1]
    if found is None or any(not isinstance(c, P.Comment) for c in comments):
        return handler
    call, inner = found
    names = [a.id for a in inner.args]  # type: ignore[attr-defined]
    args = _regroup(siblings[call.func.id], [ast.Name(n, ast.Load()) for n in names])
    return (
        *comments,
        P.Unpack(tuple(names), inner),
        P.Return(ast.Call(call.func, args, [])),
    )


def _regroup_statement(stmt: P.Stmt, siblings: dict[str, Function]) -> P.Stmt:
    if not isinstance(stmt, P.Assign | P.Accumulate | P.Unpack | P.Return):
        return stmt

    def regrouped(node: ast.expr) -> ast.expr:
        node = copy.deepcopy(node)  # the statement's tree may be shared
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id in siblings
                and not any(isinstance(a, ast.Starred) for a in call.args)
            ):
                call.args = _regroup(siblings[call.func.id], call.args)
        return node

    if isinstance(stmt, P.Return):
        return replace(stmt, value=regrouped(stmt.value))
    if isinstance(stmt, P.Unpack):
        return replace(stmt, value=regrouped(stmt.value))
    return P.with_value(stmt, regrouped(stmt.value))


def _regroup(fn: Function, args: list[ast.expr]) -> list[ast.expr]:
    """The arguments of a call with flat leaves -> with containers rebuilt."""
    arity = len(fn.params)
    if len(args) < arity:
        return args
    by_param = dict(zip(fn.params, args[:arity], strict=True))
    grouped: list[ast.expr] = []
    done: set[str] = set()
    for name in fn.params:
        owner = _owner(fn, name)
        if owner is None:
            grouped.append(by_param[name])
        elif owner not in done:
            done.add(owner)
            grouped.append(structure_ast(fn.containers[owner], by_param.__getitem__))
    return [*grouped, *args[arity:]]
