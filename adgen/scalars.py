"""Stage 6c, scalar math: in each ``grad_f``, ``np.cos(x)`` on a declared scalar becomes ``math.cos(x)``.

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
np.cos(x1)``).  The pass edits the emitted text, so comments stay, except in
a folded float path, which says what it folds.
"""

from __future__ import annotations

import ast
import copy
import textwrap
from dataclasses import dataclass

from .expr import numpy_function
from .fuse import fold_single_uses
from .graph import Graph
from .naming import bar
from .primitives import MATH_SPELLING
from .runtime import SCALAR_MATH_NAMES as MATH_NAMES
from .runtime import __all__ as RUNTIME_HELPERS
from .runtime import scalar_math
from .shapes import SCALAR
from .simplify import number

HELPER = "scalar_math"
FLOATS = "numpy_floats"  # the fallback's conversion of Python floats


def spell_scalar_math(module: str, graphs: list[Graph]) -> str:
    """``module`` (emitted text) with scalar numpy calls in each ``grad_f`` respelled,
    and the float path around the ``grad_f`` of functions of scalars only."""
    lines = module.split("\n")
    tree = ast.parse(module)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    edits: list[tuple[ast.Attribute, str]] = []
    paths: list[FloatPath] = []
    powers: list[tuple[str, set[str]]] = []  # float paths, their scalars
    for graph in graphs:
        for prefix in ("grad_", "value_and_grad_"):
            fn = functions.get(f"{prefix}{graph.fn.name}")
            if fn is None:
                continue
            calls = _scalar_calls(fn, _scalars(graph))
            path = _float_path(fn, graph, set(functions)) if calls else None
            if path is None:
                edits += [(call, f"{HELPER}.{call.attr}") for call in calls]
            else:
                edits += [(call, f"math.{MATH_NAMES[call.attr]}") for call in calls]
                paths.append(path)
                powers.append((fn.name, _scalars(graph)))
    if not edits and not paths:
        return module
    for func, spelled in sorted(
        edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True
    ):
        row = func.lineno - 1
        line = lines[row].encode()  # ast offsets count UTF-8 bytes
        lines[row] = (
            line[: func.col_offset] + spelled.encode() + line[func.end_col_offset :]
        ).decode()
    lines = _math_powers(lines, powers)
    for path in sorted(paths, key=lambda p: p.first, reverse=True):
        lines[path.first : path.last] = path.wrap(lines[path.first : path.last])
    if any(spelled.startswith(f"{HELPER}.") for _, spelled in edits):
        lines = _import_helper(lines)
    if paths:
        lines = _import_helper(_import_math(lines), FLOATS)
    return "\n".join(lines)


@dataclass(frozen=True)
class FloatPath:
    """How one fused function of Python numbers gets its float path.

    Its statements (after the docstring) run inside ``try:``, with ``math`` for
    numpy and, in straight-line code, each value read once folded into its
    reader (``fuse.fold_single_uses``: on floats a statement costs as much as an
    operation).  ``math`` reads a numpy scalar as ``float(x)`` does (as Cython
    reads a parameter declared ``double``) and returns a Python float, which
    numpy's arithmetic with a float32 operand keeps float32.

    Where ``math`` raises, the function returns what the lecture's two sweeps
    give instead, ``backward_f(forward_f(...)[1])``, all numpy, with the Python
    floats made numpy float64 so that ``1 / 0`` is inf too: TypeError for an
    array (numpy 2.4 and later raise it for one element too), ArithmeticError
    or ValueError where numpy gives inf or nan (``log(0)``, ``1 / 0``,
    ``exp(1000)``).  No type test runs first: on the lecture's function it
    cost as much as the gradient's arithmetic.
    """

    first: int  # 0-based: the first line after the docstring
    last: int  # 0-based, exclusive: the line after the function's end
    params: list[str]
    fallback: list[str]  # the statements that end the function, unindented
    fold: bool  # straight-line: fold the values read once

    def wrap(self, body: list[str]) -> list[str]:
        args = ", ".join(self.params)
        targets = f"({args},)" if len(self.params) == 1 else args
        if self.fold:
            body = _folded(body)
            comment = [
                "    # Floats: math (a fifth of numpy's time a call), each value read once",
                "    # folded into its reader. Arrays, and where math raises (log(0), 1 / 0),",
                "    # numpy's two sweeps, with numpy's inf and nan.",
            ]
        else:
            comment = [
                "    # Floats: math, a fifth of numpy's time a call. Arrays, and where math",
                "    # raises (log(0), 1 / 0), numpy's two sweeps, with numpy's inf and nan.",
            ]
        return [
            *comment,
            "    try:",
            *[f"    {line}" if line.strip() else line for line in body],
            "    except (ArithmeticError, TypeError, ValueError):",
            f"        {targets} = {FLOATS}({args})",
            *[f"    {line}" for line in self.fallback],
        ]


def _folded(body: list[str]) -> list[str]:
    """The lines of a function body with its values read once folded; a statement
    no fold changed keeps its text."""
    source = textwrap.dedent("\n".join(body))
    lines, statements = source.split("\n"), ast.parse(source).body
    kept = {id(s) for s in statements}
    text = "\n".join(
        (
            "\n".join(lines[s.lineno - 1 : s.end_lineno])
            if id(s) in kept
            else ast.unparse(s)
        )
        for s in fold_single_uses(statements)
    )
    return textwrap.indent(text, "    ").split("\n")


def without_float_path(fn: ast.FunctionDef) -> ast.FunctionDef:
    """``fn`` as it was before the float path: the statements inside ``try``, with
    numpy for ``math`` (and ``**`` for ``math.pow``): the plain fused code, for a
    reader such as adgen's second-derivative model.  ``fn`` is changed in place."""
    first = fn.body[1] if len(fn.body) > 1 else None
    if not isinstance(first, ast.Try):
        return fn
    fn.body = [fn.body[0], *first.body]
    fn = _PowerOperator().visit(fn)
    numpy_names = {m: n for n, m in MATH_NAMES.items()}
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "math"
            and node.attr in numpy_names
        ):
            node.value.id, node.attr = "np", numpy_names[node.attr]
    return fn


def _float_path(
    fn: ast.FunctionDef, graph: Graph, defined: set[str]
) -> FloatPath | None:
    """The float path for ``fn`` (``grad_f`` or ``value_and_grad_f``), if every
    parameter is declared a Python number (``x: float``), the output is a known
    scalar (no run-time check that could raise) and the module has the two
    sweeps to fall back on."""
    name = graph.fn.name
    forward, backward = f"forward_{name}", f"backward_{name}"
    params = [a.arg for a in fn.args.args]
    if not (
        params
        and set(graph.fn.params) <= set(graph.fn.numbers)
        and {forward, backward} <= defined
        and _has_docstring(fn)
        and not any(isinstance(n, ast.Raise) for n in ast.walk(fn))
    ):
        return None
    args = ", ".join(params)
    if fn.name.startswith("grad_"):
        fallback = [f"return {backward}({forward}({args})[1])"]
    else:
        returned = fn.body[-1]
        if not (
            isinstance(returned, ast.Return)
            and isinstance(returned.value, ast.Tuple)
            and isinstance(returned.value.elts[0], ast.Name)
        ):
            return None
        value = returned.value.elts[0].id
        fallback = [
            f"{value}, tape = {forward}({args})",
            f"return {value}, {backward}(tape)",
        ]
    return FloatPath(
        fn.body[0].end_lineno, fn.end_lineno, params, fallback, graph.straight_line
    )


def _math_powers(lines: list[str], functions: list[tuple[str, set[str]]]) -> list[str]:
    """In each float path, ``x ** y`` of scalars, where ``y`` is not a whole number,
    spelled ``math.pow(x, y)``: a negative ``x`` then raises ValueError (and numpy
    gives nan) where ``**`` would give a complex number.  Each statement that has
    one is one line, written again whole."""
    tree = ast.parse("\n".join(lines))
    found = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    for name, scalars in functions:
        for stmt in ast.walk(found[name]):
            if not isinstance(stmt, ast.Assign | ast.AugAssign | ast.Return):
                continue
            new = _MathPow(scalars).visit(copy.deepcopy(stmt))
            if ast.dump(new) != ast.dump(stmt) and stmt.lineno == stmt.end_lineno:
                row = stmt.lineno - 1
                lines[row] = lines[row][: stmt.col_offset] + ast.unparse(new)
    return lines


class _PowerOperator(ast.NodeTransformer):
    """``math.pow(x, y)`` read back as ``x ** y``."""

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) == ("math", "pow")
        ):
            return ast.BinOp(node.args[0], ast.Pow(), node.args[1])
        return node


class _MathPow(ast.NodeTransformer):
    """``x ** y`` -> ``math.pow(x, y)`` for scalars ``x`` and ``y``, ``y`` not whole."""

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


def _has_docstring(fn: ast.FunctionDef) -> bool:
    first = fn.body[0]
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)


def _scalars(graph: Graph) -> set[str]:
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    scalar = {n for n in primal if graph.shapes.get(n) == SCALAR}
    return scalar | {bar(n, primal) for n in scalar}


def _scalar_calls(fn: ast.FunctionDef, scalars: set[str]) -> list[ast.Attribute]:
    """The ``np.<f>`` of each call ``np.<f>(<scalar expression>)`` in ``fn``."""
    found = []
    for node in ast.walk(fn):
        if (
            numpy_function(node) in MATH_SPELLING
            and hasattr(scalar_math, node.func.attr)  # not abs: builtin abs is numpy's
            and len(node.args) == 1
            and not node.keywords
            and _is_scalar(node.args[0], scalars)
            and node.func.lineno == node.func.end_lineno
        ):
            found.append(node.func)
    return found


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


def _import_math(lines: list[str]) -> list[str]:
    if "import math" in lines:
        return lines
    at = lines.index("import numpy as np")
    return [*lines[:at], "import math", *lines[at:]]


def _import_helper(lines: list[str], helper: str = HELPER) -> list[str]:
    """Import ``helper`` with the other runtime helpers (their line, in their order)."""
    for i, line in enumerate(lines):
        if (
            line.startswith("from adgen.runtime import ")
            and "warn_if_stale" not in line
        ):
            names = {n.strip() for n in line.split(" import ")[1].split(",")} | {helper}
            ordered = [h for h in RUNTIME_HELPERS if h in names]
            lines[i] = f"from adgen.runtime import {', '.join(ordered)}"
            return lines
    at = lines.index("import numpy as np") + 1
    return [*lines[:at], f"from adgen.runtime import {helper}", *lines[at:]]
