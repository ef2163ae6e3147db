"""Stage 6c, scalar math: in each ``grad_f``, ``np.cos(x)`` on a declared scalar becomes ``math.cos(x)``.

On a Python float, ``np.cos`` costs five times ``math.cos`` and returns a
numpy scalar that slows every operation after it: the lecture's
``grad_g(2.0, 5.0)`` took 2.5x the hand-written ``math`` version.  A value
counts as scalar when the shapes declare it (``x: float``) or infer it from
declared scalars.  Two spellings, by what the function's parameters are:

* every parameter a declared scalar: the **float path**.  The fused body runs
  inside ``if isinstance(x1, float) and ...: try:`` and calls ``math``
  directly, as a hand-written version would; any other argument (an array,
  float32, an int) and any point where ``math`` raises while numpy gives inf
  or nan (``log(0)``, ``1 / 0``, ``exp(1000)``) go to ``backward_f(forward_f())``,
  the plain numpy sweeps, with the floats made numpy float64.  A ``try`` costs
  nothing until it catches, so the fast path is as fast as hand-written code.
* some parameter an array: ``scalar_math.cos(x)`` (adgen/runtime.py), which
  calls ``math`` on floats and numpy on everything else and wherever ``math``
  would raise, one call at a time.

Either way values, inf and nan are numpy's.  Only ``grad_f`` and
``value_and_grad_f``, the fast paths, are respelled: ``forward_f`` and
``backward_f`` keep the spelling the lecture reads (``x1_bar = n4_bar *
np.cos(x1)``).  The pass edits the emitted text, so comments stay.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .expr import numpy_function
from .graph import Graph
from .naming import bar
from .primitives import MATH_SPELLING
from .runtime import SCALAR_MATH_NAMES as MATH_NAMES
from .runtime import __all__ as RUNTIME_HELPERS
from .runtime import scalar_math
from .shapes import SCALAR

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
    for graph in graphs:
        for prefix in ("grad_", "value_and_grad_"):
            fn = functions.get(f"{prefix}{graph.fn.name}")
            if fn is None:
                continue
            calls = _scalar_calls(fn, _scalars(graph))
            path = _float_path(fn, graph, set(functions), calls) if calls else None
            if path is None:
                edits += [(call, f"{HELPER}.{call.attr}") for call in calls]
            else:
                edits += [(call, f"math.{MATH_NAMES[call.attr]}") for call in calls]
                paths.append(path)
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
    for path in sorted(paths, key=lambda p: p.first, reverse=True):
        lines[path.first : path.last] = path.wrap(lines[path.first : path.last])
    if any(spelled.startswith(f"{HELPER}.") for _, spelled in edits):
        lines = _import_helper(lines)
    if paths:
        lines = _import_helper(_import_math(lines), FLOATS)
    return "\n".join(lines)


@dataclass(frozen=True)
class FloatPath:
    """How one fused function of scalars gets its float path.

    Its statements (after the docstring) run inside ``if isinstance(x2, float):
    try:``, with ``math`` for numpy; the test covers the parameters that the
    ``math`` calls' arguments depend on (math.cos of a float32 would return a
    float64, of a one-element array a float).  When one is something else (an
    array, float32, an int) or ``math`` raises where numpy gives inf or nan
    (``log(0)``, ``1 / 0``, ``exp(1000)``), the function returns what the
    lecture's two sweeps give instead: ``backward_f(forward_f(...)[1])``, all
    numpy, with the Python floats made numpy float64 so that ``1 / 0`` is inf too.
    """

    first: int  # 0-based: the first line after the docstring
    last: int  # 0-based, exclusive: the line after the function's end
    params: list[str]
    tested: list[str]  # the parameters math's arguments depend on
    fallback: list[str]  # the statements that end the function, unindented

    def wrap(self, body: list[str]) -> list[str]:
        args = ", ".join(self.params)
        targets = f"({args},)" if len(self.params) == 1 else args
        floats = " and ".join(f"isinstance({p}, float)" for p in self.tested)
        extra = "        " if self.tested else "    "  # inside `if` and `try`, or `try`
        block = "    " + extra[4:]  # where `try` and `except` stand
        return [
            "    # Floats: math, a fifth of numpy's time a call. Anything else, and where",
            "    # math raises (log(0), 1 / 0), numpy's two sweeps, with numpy's inf and nan.",
            *([f"    if {floats}:"] if self.tested else []),
            f"{block}try:",
            *[f"{extra}{line}" if line.strip() else line for line in body],
            f"{block}except (ArithmeticError, ValueError):",
            f"{block}    {targets} = {FLOATS}({args})",
            *[f"    {line}" for line in self.fallback],
        ]


def without_float_path(fn: ast.FunctionDef) -> ast.FunctionDef:
    """``fn`` as it was before the float path: the statements inside ``try``, with
    numpy for ``math``: the plain fused code, for a reader such as adgen's
    second-derivative model.  ``fn`` is changed in place."""
    first = fn.body[1] if len(fn.body) > 1 else None
    if (  # `if isinstance(x, float): try:`, or `try:` alone
        isinstance(first, ast.If)
        and isinstance(first.test, (ast.BoolOp, ast.Call))
        and len(first.body) == 1
    ):
        first = first.body[0]
    if not isinstance(first, ast.Try):
        return fn
    fn.body = [fn.body[0], *first.body]
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
    fn: ast.FunctionDef, graph: Graph, defined: set[str], calls: list[ast.Attribute]
) -> FloatPath | None:
    """The float path for ``fn`` (``grad_f`` or ``value_and_grad_f``), if every
    parameter is a declared scalar, the output is a known scalar (no run-time
    check that could raise) and the module has the two sweeps to fall back on."""
    name = graph.fn.name
    forward, backward = f"forward_{name}", f"backward_{name}"
    params = [a.arg for a in fn.args.args]
    if not (
        params
        and all(graph.shapes.get(p) == SCALAR for p in graph.fn.params)
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
    tested = _math_inputs(fn, set(params), calls)
    return FloatPath(fn.body[0].end_lineno, fn.end_lineno, params, tested, fallback)


def _math_inputs(
    fn: ast.FunctionDef, params: set[str], calls: list[ast.Attribute]
) -> list[str]:
    """The parameters that the arguments of ``calls`` (to become ``math``) depend on, in
    order.  Dependencies flow through assignments, iterated to a fixed point so
    that a loop's later statements reach its earlier ones."""
    depends = {p: {p} for p in params}
    assignments = [
        n for n in ast.walk(fn) if isinstance(n, (ast.Assign, ast.AugAssign, ast.For))
    ]
    changed = True
    while changed:
        changed = False
        for node in assignments:
            value = node.iter if isinstance(node, ast.For) else node.value
            sources = _depends(value, depends)
            if isinstance(node, ast.AugAssign):
                sources |= _depends(node.target, depends)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in ast.walk(target):
                    if isinstance(t, ast.Name) and not sources <= depends.get(
                        t.id, set()
                    ):
                        depends[t.id] = depends.get(t.id, set()) | sources
                        changed = True
    reached = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and any(node.func is c for c in calls):
            reached |= set().union(*(_depends(a, depends) for a in node.args))
    return [a.arg for a in fn.args.args if a.arg in reached]


def _depends(node: ast.AST, depends: dict[str, set[str]]) -> set[str]:
    return set().union(
        *(depends.get(n.id, set()) for n in ast.walk(node) if isinstance(n, ast.Name))
    )


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
    if isinstance(node, ast.Name):
        return node.id in scalars
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, ast.UnaryOp):
        return _is_scalar(node.operand, scalars)
    if isinstance(node, ast.BinOp):
        return _is_scalar(node.left, scalars) and _is_scalar(node.right, scalars)
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
