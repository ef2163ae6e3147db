"""Floats first: a plain file's fused gradient tries the float path on Python floats.

The lecture's formula written without annotations, ``def f(x1, x2): return
np.log(x1) + x1 * x2 - np.sin(x2)``, compiles to code for any shapes: numpy
calls, and a run-time check that the output is a scalar.  On Python floats
those numpy calls are most of the time (about 9x the hand-written ``math``
version).  Where every parameter is one the output is computed elementwise
from (past the check, each is a scalar: ``shapes.checked_scalar``), the fused
gradients begin with one type test::

    if type(x1) is float and type(x2) is float:
        <the float path: the code ``def f(x1: float, x2: float)`` gets>

and anything else (arrays, numpy scalars, ints) runs the general code below
it.  The float path is compiled from the function as if its parameters were
declared ``float``; where that compile has no float path (an aux, a loop the
float path does not take), the general code stands alone.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from . import program as P
from .emit import Provenance, build_program
from .errors import AdgenError
from .graph import build_graph
from .ir import Function
from .optimize import optimize
from .reverse import reverse_sweep
from .shapes import SCALAR
from .specialize import specialize
from .sweeps import Compiled, reverse_functions

FloatPaths = dict[tuple[str, str], P.FloatPath]  # (model, role) -> its float path


def float_paths(normal: Function, compiled: Compiled, origin: Provenance) -> FloatPaths:
    """The float paths of ``normal``'s grad_f and value_and_grad_f, where every
    parameter is a scalar past the output check (``compiled.past_check``)."""
    checked = compiled.past_check
    if checked is None or not normal.params or normal.containers:
        return {}
    if {"type", "float"} & set(normal.params):  # the type test reads both names
        return {}
    if any(checked.graph.shapes.get(p) != SCALAR for p in normal.params):
        return {}
    floats = replace(
        normal,
        numbers=list(normal.params),
        shapes={**normal.shapes, **dict.fromkeys(normal.params, SCALAR)},
    )
    try:
        graph = build_graph(floats)
        backward = specialize(graph, reverse_sweep(graph))
        program = build_program(
            [Compiled(graph, backward)], origin, (reverse_functions,)
        )
        optimized = optimize(program, [graph])
    except AdgenError:  # the general code is complete without it
        return {}
    return {
        (fn.model, fn.role): fn.body[0]
        for fn in optimized.functions(*P.FUSED)
        if len(fn.body) == 1 and isinstance(fn.body[0], P.FloatPath)
    }


def floats_first(program: P.Program, paths: FloatPaths) -> P.Program:
    """``program`` with each fused gradient that has a float path trying it first."""

    def first(fn: P.Function) -> P.Function:
        path = paths.get((fn.model, fn.role))
        if path is None:
            return fn
        tests = [_is_float(p.name) for p in fn.params]
        test = tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)
        note = P.Comment("Python floats: the float path; anything else: the code below")
        return replace(fn, body=(note, P.If(test, (path,)), *fn.body))

    return program.with_functions(first)


def _is_float(name: str) -> ast.expr:
    kind = ast.Call(ast.Name("type", ast.Load()), [ast.Name(name, ast.Load())], [])
    return ast.Compare(kind, [ast.Is()], [ast.Name("float", ast.Load())])
