"""Scalar math: in each fused gradient, ``np.cos(x)`` on a declared scalar becomes ``math.cos(x)``.

On a Python float, ``np.cos`` costs five times ``math.cos`` and returns a
numpy scalar that slows every operation after it: the lecture's
``grad_g(2.0, 5.0)`` took 2.5x the hand-written ``math`` version.  A value
counts as scalar when the shapes declare it (``x: float``) or infer it from
declared scalars.  Two spellings, by what the function's parameters are:

* every parameter declared a Python number (``x: float``): the **float
  path**.  The fused body runs inside ``try:`` and calls ``math`` directly, as
  a hand-written version would, with each value read once folded into its
  reader (``x2_bar = x1 - math.cos(x2)``); an array, and any point where
  ``math`` raises while numpy gives inf or nan (``log(0)``, ``1 / 0``,
  ``exp(1000)``), go to ``backward_f(forward_f())``, the plain numpy sweeps,
  with the floats made numpy float64.  A ``try`` costs nothing until it
  catches, so the fast path is as fast as hand-written code.
* otherwise (an array parameter, or a scalar declared ``"()"``, which may be
  any numpy scalar): ``scalar_math.cos(x)`` (adgen/runtime.py), which
  calls ``math`` on floats and numpy on everything else and wherever ``math``
  would raise, one call at a time.

Either way inf and nan are numpy's.  Only ``grad_f`` and
``value_and_grad_f``, the fast paths, are respelled: ``forward_f`` and
``backward_f`` keep the spelling the lecture reads (``x1_bar = n4_bar *
np.cos(x1)``).  Comments stay, except in a folded float path, which says
what it folds.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import replace

from .. import program as P
from ..astcopy import clone
from ..expr import numpy_function
from ..graph import Graph
from ..naming import bar
from ..primitives import MATH_SPELLING
from ..runtime import SCALAR_MATH_NAMES as MATH_NAMES
from ..runtime import scalar_math
from ..shapes import SCALAR
from ..simplify import number
from .copies import fold_single_uses

HELPER = "scalar_math"
FLOATS = "numpy_floats"  # the fallback's conversion of Python floats


def spell_scalar_math(
    fn: P.Function, graph: Graph, sweeps: Mapping[tuple[str, str], str]
) -> P.Function:
    """``fn`` (a fused gradient) with its numpy calls on scalars respelled, inside a
    float path if ``fn`` is a function of Python numbers only (``sweeps``:
    each (model, role)'s function name, for the fallback sweeps)."""
    scalars = _scalars(graph)
    if not any(
        _scalar_calls(e, scalars) for s in P.walk(fn.body) for e in P.expressions(s)
    ):
        return fn
    fallback = _fallback(fn, graph, sweeps)
    if fallback is None:
        return replace(
            fn, body=_respelled(fn.body, lambda e: _respell_calls(e, scalars, HELPER))
        )
    body = _respelled(fn.body, lambda e: _respell_calls(e, scalars, "math"))
    body = _respelled(body, lambda e: _MathPow(scalars).visit(clone(e)))
    return replace(fn, body=(_float_path(fn, body, fallback, graph.straight_line),))


def has_float_path(
    fn: P.Function, graph: Graph, sweeps: Mapping[tuple[str, str], str]
) -> bool:
    """Does ``spell_scalar_math`` give ``fn`` a float path?"""
    return (
        _has_scalar_calls(fn, _scalars(graph))
        and _fallback(fn, graph, sweeps) is not None
    )


def _has_scalar_calls(fn: P.Function, scalars: set[str]) -> bool:
    return any(
        _scalar_calls(e, scalars) for s in P.walk(fn.body) for e in P.expressions(s)
    )


def _float_path(
    fn: P.Function, body: tuple[P.Stmt, ...], fallback: tuple[P.Stmt, ...], fold: bool
) -> P.FloatPath:
    """The fused body inside ``try:``, with ``math`` for numpy and, in straight-line
    code, each value read once folded into its reader (``fold_single_uses``: on
    floats a statement costs as much as an operation).  ``math`` reads a numpy
    scalar as ``float(x)`` does (as Cython reads a parameter declared ``double``)
    and returns a Python float, which numpy's arithmetic with a float32 operand
    keeps float32.

    Where ``math`` raises, the function returns what the lecture's two sweeps
    give instead, ``backward_f(forward_f(...)[1])``, all numpy, with the Python
    floats made numpy float64 so that ``1 / 0`` is inf too: TypeError for an
    array (numpy 2.4 and later raise it for one element too), ArithmeticError
    or ValueError where numpy gives inf or nan (``log(0)``, ``1 / 0``,
    ``exp(1000)``).  No type test runs first: on the lecture's function it
    cost as much as the gradient's arithmetic."""
    if fold:
        statements = [s for s in body if not isinstance(s, P.Comment)]
        body = tuple(fold_single_uses(statements))
        comment = (
            "Floats: math (a fifth of numpy's time a call), each value read once",
            "folded into its reader. Arrays, and where math raises (log(0), 1 / 0),",
            "numpy's two sweeps, with numpy's inf and nan.",
        )
    else:
        comment = (
            "Floats: math, a fifth of numpy's time a call. Arrays, and where math",
            "raises (log(0), 1 / 0), numpy's two sweeps, with numpy's inf and nan.",
        )
    params = tuple(p.name for p in fn.params)
    return P.FloatPath(comment, body, params, FLOATS, fallback)


def _fallback(
    fn: P.Function, graph: Graph, sweeps: Mapping[tuple[str, str], str]
) -> tuple[P.Stmt, ...] | None:
    """What the float path of ``fn`` falls back to, if it has one: every parameter
    is declared a Python number (``x: float``), the output is a known scalar (no
    run-time check that could raise) and the module has the two sweeps."""
    forward = sweeps.get((fn.model, P.FORWARD))
    backward = sweeps.get((fn.model, P.BACKWARD))
    args = [ast.Name(p.name, ast.Load()) for p in fn.params]
    if not (
        fn.params
        and not graph.fn.has_aux  # the sweeps' rerun would not return the aux
        and set(graph.fn.params) <= set(graph.fn.numbers)
        and forward
        and backward
        and not any(isinstance(s, P.ScalarCheck) for s in P.walk(fn.body))
    ):
        return None
    run_forward = ast.Call(ast.Name(forward, ast.Load()), args, [])
    if fn.role == P.GRAD:
        tape = ast.Subscript(run_forward, ast.Constant(1), ast.Load())
        return (P.Return(_call(backward, tape)),)
    returned = fn.body[-1]
    if not (
        isinstance(returned, P.Return)
        and isinstance(returned.value, ast.Tuple)
        and isinstance(returned.value.elts[0], ast.Name)
    ):
        return None
    value = returned.value.elts[0].id
    back = _call(backward, ast.Name("tape", ast.Load()))
    return (
        P.Unpack((value, "tape"), run_forward),
        P.Return(ast.Tuple([ast.Name(value, ast.Load()), back], ast.Load())),
    )


def _call(function: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(function, ast.Load()), list(args), [])


def _respelled(
    body: tuple[P.Stmt, ...], rewrite: Callable[[ast.expr], ast.expr]
) -> tuple[P.Stmt, ...]:
    """``body`` with the values of its assignments and returns rewritten."""

    def respell(stmt: P.Stmt) -> P.Stmt:
        if isinstance(stmt, P.Assign | P.Accumulate):
            return P.with_value(stmt, rewrite(stmt.value))
        if isinstance(stmt, P.Return):
            return replace(stmt, value=rewrite(stmt.value))
        return stmt

    return P.map_statements(body, respell)


def _respell_calls(node: ast.expr, scalars: set[str], module: str) -> ast.expr:
    """``np.cos(<scalar>)`` -> ``<module>.cos(...)`` (``math``, or the run-time
    helper) in a copy of ``node``, for the calls that are scalar before any is
    respelled (``np.cos(np.sin(x))`` keeps its outer ``np.cos``: its operand is a
    numpy call, not a known scalar)."""
    node = clone(node)
    found = {id(c) for c in _scalar_calls(node, scalars)}
    return _Respell(found, module).visit(node)


class _Respell(ast.NodeTransformer):
    def __init__(self, found: set[int], module: str):
        self.found, self.module = found, module

    def visit_Call(self, node: ast.Call) -> ast.expr:
        respell = id(node) in self.found
        self.generic_visit(node)
        if not respell:
            return node
        attr = MATH_NAMES[node.func.attr] if self.module == "math" else node.func.attr
        func = ast.Attribute(ast.Name(self.module, ast.Load()), attr, ast.Load())
        return ast.Call(func, node.args, node.keywords)


class _MathPow(ast.NodeTransformer):
    """In a float path, ``x ** y`` of scalars, where ``y`` is not a whole number,
    spelled ``math.pow(x, y)``: a negative ``x`` then raises ValueError (and numpy
    gives nan) where ``**`` would give a complex number."""

    def __init__(self, scalars: set[str]):
        self.scalars = scalars

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        whole = type(number(node.right)) is int  # x ** 2, x ** -1: never complex
        if (
            isinstance(node.op, ast.Pow)
            and not whole
            and _is_scalar(node.left, self.scalars)
            and _is_scalar(node.right, self.scalars)
        ):
            pow_ = ast.Attribute(ast.Name("math", ast.Load()), "pow", ast.Load())
            return ast.Call(pow_, [node.left, node.right], [])
        return node


def _scalars(graph: Graph) -> set[str]:
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    scalar = {n for n in primal if graph.shapes.get(n) == SCALAR}
    return scalar | {bar(n, primal) for n in scalar}


def _scalar_calls(node: ast.expr, scalars: set[str]) -> list[ast.Call]:
    """Each call ``np.<f>(<scalar expression>)`` in ``node``."""
    return [n for n in ast.walk(node) if _is_scalar_call(n, scalars)]


def _is_scalar_call(node: ast.AST, scalars: set[str]) -> bool:
    return (
        numpy_function(node) in MATH_SPELLING
        and hasattr(scalar_math, node.func.attr)  # not abs: builtin abs is numpy's
        and len(node.args) == 1
        and not node.keywords
        and _is_scalar(node.args[0], scalars)
    )


def _is_scalar(node: ast.expr, scalars: set[str]) -> bool:
    """A scalar expression: names in ``scalars``, numbers, arithmetic and
    comparisons of them, and ``math`` calls of them (``math.cos(x) ** y``)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "math"
    ):
        return all(_is_scalar(a, scalars) for a in node.args)
    if isinstance(node, ast.Name):
        return node.id in scalars
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, ast.UnaryOp):
        return _is_scalar(node.operand, scalars)
    if isinstance(node, ast.BinOp):
        return _is_scalar(node.left, scalars) and _is_scalar(node.right, scalars)
    if isinstance(node, ast.Compare):  # a bool: the power rule's (y == 0)
        return all(_is_scalar(n, scalars) for n in [node.left, *node.comparators])
    return False
