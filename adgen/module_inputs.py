"""Module variables as keyword-only parameters: ``def grad_loss(x, *, W0, B):``.

A model may read a module-level variable whose value only running the file
gives (``W0 = rng.standard_normal((3, 2))``).  The lowerer takes each such
variable it reads as a parameter named as the variable (``ir.Function.inputs``,
the last of its ``params``): a constant, never differentiated.  This pass, the
last on the output IR, makes them keyword-only in every emitted function that
takes the model's arguments (``forward_f``, ``grad_f``, ``value_and_grad_f``,
``jvp_f``, after its tangents), so that the model's own parameters and their
defaults keep their places; ``backward_f`` reads them from its tape.  Calls
between the emitted functions (a rerun on numpy floats, a float path's
fallback) pass them by keyword, and each docstring says where they come from.
The CLI takes every such variable a function reads; the runtime API those it
finds holding a number or an array, and passes their live values.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import replace
from pathlib import Path

from . import program as P
from .ir import Function
from .optimize.arguments import starred_rerun

# the functions that take the model's arguments (jvp_f its tangents after them)
TAKES_ARGUMENTS = (P.FORWARD, P.GRAD, P.VALUE_AND_GRAD, P.JVP)


def keyword_inputs(program: P.Program, models: list[Function]) -> P.Program:
    """Each function that takes a model's arguments takes its module variables
    keyword-only, last; calls between the emitted functions pass them so."""
    by_name = {fn.name: fn for fn in models if fn.inputs}
    if not by_name:
        return program
    taking = {
        f.name: (tuple(p.name for p in f.params), by_name[f.model].inputs)
        for f in program.functions(*TAKES_ARGUMENTS)
        if f.model in by_name
    }

    def rewrite(f: P.Function) -> P.Function:
        body = _calls_by_keyword(f.body, taking)
        if f.name not in taking:
            return replace(f, body=body)
        model = by_name[f.model]
        return replace(
            f,
            params=_keyword_only(f.params, model.inputs),
            body=body,
            doc=_doc(f, model),
        )

    return program.with_functions(rewrite)


def _keyword_only(
    params: tuple[P.Param, ...], inputs: tuple[str, ...]
) -> tuple[P.Param, ...]:
    own = tuple(p for p in params if p.name not in inputs)
    return own + tuple(P.Param(name, keyword_only=True) for name in inputs)


def _doc(f: P.Function, model: Function) -> str:
    """The docstring, with a paragraph on the module variables it takes."""
    stem = Path(model.path).stem  # a notebook cell's file is no module name
    where = f"{stem}." if stem.isidentifier() else ""
    names = ", ".join(model.inputs)
    example = ", ".join(f"{n}={where}{n}" for n in model.inputs)
    several = len(model.inputs) > 1
    what = (
        "values of the module variables" if several else "value of the module variable"
    )
    constant = "constants" if several else "a constant"
    return (
        f"{f.doc}\n\n{names}: the {what} of "
        f"{Path(model.path).name},\ntaken as {constant} (pass `{example}`)."
    )


Taking = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def _calls_by_keyword(body: tuple[P.Stmt, ...], taking: Taking) -> tuple[P.Stmt, ...]:
    """``forward_f(x, W0)`` -> ``forward_f(x, W0=W0)``, and a rerun's
    ``return f(*numpy_floats_or_raise(x, W0))`` with the values rebound first."""
    unstarred = _reruns_unstarred(body, taking)
    return P.map_statements(unstarred, lambda s: _passing_by_keyword(s, taking))


def _reruns_unstarred(body: tuple[P.Stmt, ...], taking: Taking) -> tuple[P.Stmt, ...]:
    return tuple(
        (
            replace(
                stmt,
                body=_reruns_unstarred(stmt.body, taking),
                handler=_unstarred(_reruns_unstarred(stmt.handler, taking), taking),
            )
            if isinstance(stmt, P.Rerun)
            else stmt
        )
        for stmt in body
    )


def _unstarred(handler: tuple[P.Stmt, ...], taking: Taking) -> tuple[P.Stmt, ...]:
    """``return f(*convert(x, W0))`` -> ``x, W0 = convert(x, W0)`` then
    ``return f(x, W0)`` (which ``_passing_by_keyword`` then rewrites)."""
    found = starred_rerun(handler, taking)
    if found is None:
        return handler
    call, inner = found
    names = tuple(a.id for a in inner.args)  # type: ignore[attr-defined]
    passed = ast.Call(call.func, [ast.Name(n, ast.Load()) for n in names], [])
    return (
        *handler[:-1],
        P.Unpack(names, inner),
        P.Return(passed),
    )


def _passing_by_keyword(stmt: P.Stmt, taking: Taking) -> P.Stmt:
    if not isinstance(stmt, P.Assign | P.Accumulate | P.Unpack | P.Return):
        return stmt
    value = copy.deepcopy(stmt.value)  # the statement's tree may be shared
    for node in ast.walk(value):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in taking
        ):
            keyworded = _by_keyword(node, taking[node.func.id])
            node.args, node.keywords = keyworded.args, keyworded.keywords
    if isinstance(stmt, P.Assign | P.Accumulate):
        return P.with_value(stmt, value)
    return replace(stmt, value=value)


def _by_keyword(
    call: ast.Call, signature: tuple[tuple[str, ...], tuple[str, ...]]
) -> ast.Call:
    """The call with the arguments in the places of module variables passed by keyword."""
    params, inputs = signature
    assert not call.keywords and len(call.args) == len(params), ast.unparse(call)
    assert not any(isinstance(a, ast.Starred) for a in call.args), ast.unparse(call)
    by_param = dict(zip(params, call.args, strict=True))
    return ast.Call(
        call.func,
        [by_param[p] for p in params if p not in inputs],
        [ast.keyword(name, by_param[name]) for name in inputs],
    )
