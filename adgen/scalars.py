"""Stage 6c, scalar math: in each ``grad_f``, ``np.cos(x)`` on a declared scalar becomes ``scalar_math.cos(x)``.

On a Python float, ``np.cos`` costs five times ``math.cos`` and returns a
numpy scalar that slows every operation after it: the lecture's
``grad_g(2.0, 5.0)`` took 2.5x the hand-written ``math`` version.
``scalar_math`` (adgen/runtime.py) calls ``math`` on floats and numpy for
everything else and wherever ``math`` would raise, so values, inf and nan
are numpy's.  A value counts as scalar when the shapes declare it
(``x: float``) or infer it from declared scalars.

Only ``grad_f``, the fast path, is respelled: ``forward_f`` and ``backward_f``
keep the spelling the lecture reads (``x1_bar = n4_bar * np.cos(x1)``).  The
pass edits the emitted text in place, call by call, so comments stay.
"""

from __future__ import annotations

import ast

from .graph import Graph
from .naming import bar
from .primitives import MATH_SPELLING
from .runtime import __all__ as RUNTIME_HELPERS
from .runtime import scalar_math
from .shapes import SCALAR

HELPER = "scalar_math"


def spell_scalar_math(module: str, graphs: list[Graph]) -> str:
    """``module`` (emitted text) with scalar numpy calls in each ``grad_f`` respelled."""
    lines = module.split("\n")
    tree = ast.parse(module)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    edits: list[ast.Attribute] = []
    for graph in graphs:
        for prefix in ("grad_", "value_and_grad_"):
            fn = functions.get(f"{prefix}{graph.fn.name}")
            if fn is not None:
                edits += _scalar_calls(fn, _scalars(graph))
    if not edits:
        return module
    for func in sorted(edits, key=lambda f: (f.lineno, f.col_offset), reverse=True):
        row = func.lineno - 1
        line = lines[row].encode()  # ast offsets count UTF-8 bytes
        spelled = f"{HELPER}.{func.attr}".encode()
        lines[row] = (
            line[: func.col_offset] + spelled + line[func.end_col_offset :]
        ).decode()
    return "\n".join(_import_helper(lines))


def _scalars(graph: Graph) -> set[str]:
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    scalar = {n for n in primal if graph.shapes.get(n) == SCALAR}
    return scalar | {bar(n, primal) for n in scalar}


def _scalar_calls(fn: ast.FunctionDef, scalars: set[str]) -> list[ast.Attribute]:
    """The ``np.<f>`` of each call ``np.<f>(<scalar expression>)`` in ``fn``."""
    found = []
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "np"
            and node.func.attr in MATH_SPELLING
            and hasattr(scalar_math, node.func.attr)  # not abs: builtin abs is numpy's
            and len(node.args) == 1
            and not node.keywords
            and _is_scalar(node.args[0], scalars)
            and node.func.lineno == node.func.end_lineno
        ):
            found.append(node.func)
    return found


def _is_scalar(node: ast.expr, scalars: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in scalars
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, ast.UnaryOp):
        return _is_scalar(node.operand, scalars)
    if isinstance(node, ast.BinOp):
        return _is_scalar(node.left, scalars) and _is_scalar(node.right, scalars)
    return False


def _import_helper(lines: list[str]) -> list[str]:
    """Import ``scalar_math`` with the other runtime helpers (their line, in their order)."""
    for i, line in enumerate(lines):
        if (
            line.startswith("from adgen.runtime import ")
            and "warn_if_stale" not in line
        ):
            names = {n.strip() for n in line.split(" import ")[1].split(",")} | {HELPER}
            ordered = [h for h in RUNTIME_HELPERS if h in names]
            lines[i] = f"from adgen.runtime import {', '.join(ordered)}"
            return lines
    at = lines.index("import numpy as np") + 1
    return [*lines[:at], f"from adgen.runtime import {HELPER}", *lines[at:]]
