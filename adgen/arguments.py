"""Stage 6d, arguments: lists read as arrays, and numpy's inf and nan for Python floats.

A caller may pass two kinds of value on which Python and numpy disagree:

* **a list or tuple of numbers** where the model computes with an array:
  ``w + w`` joins two lists in Python and adds two arrays in numpy.  Each
  emitted function first makes them arrays, ``x, w = sequences_as_arrays(x,
  w)`` (adgen/runtime.py), for the parameters that may be arrays: not those
  declared numbers (``x: float``, ``"()"``), nor those the model reads as
  Python values (an index ``x[i]``, a shape, an axis, a ``range`` bound, a
  condition), which stay as given (a tuple index ``x[(0, 1)]`` is not the array
  ``[0, 1]``).  On arrays that is one type test per parameter.  ``backward_f``
  does the same with its seed where the output's shape is not known scalar.
* **a Python float at a singular point**: ``1.0 / 0.0`` and ``0.0 ** -1`` raise
  ZeroDivisionError, ``1e200 ** 2`` OverflowError, where numpy gives inf or nan
  (with its RuntimeWarning).  A function with ``/``, ``//``, ``%`` or ``**`` in
  its code (or a call of a copied black-box function) runs inside ``try``; on
  ArithmeticError it runs again with its Python floats made numpy floats
  (``numpy_floats_or_raise``): ``forward_f`` and ``jvp_f`` on their arguments,
  ``backward_f`` on its tape; ``grad_f`` and ``value_and_grad_f`` through the
  two sweeps, as the float path does (scalars.py), so that a float a ``math``
  call of the model returns is converted on the tape too.  A ``try`` costs
  nothing until it catches; converting every Python float on entry instead
  would slow all scalar code (numpy scalars are slow) and, beside float32
  arrays, widen it to float64.

The float path (scalars.py) already does both its own way: its ``grad_f`` is
left alone.  ``plain_function`` undoes this pass for a reader of the emitted
code (higher.py reads ``grad_f`` and ``jvp_f`` back as models).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .graph import Graph
from .ir import Eqn, all_eqns, structure_reads, structures
from .runtime import __all__ as RUNTIME_HELPERS
from .shapes import SCALAR

ENTRY = "sequences_as_arrays"
RERUN = "numpy_floats_or_raise"
# Python's arithmetic on floats raises where numpy's gives inf or nan.
RAISING_OPERATORS = (ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
KINDS = ("forward_", "backward_", "grad_", "value_and_grad_", "jvp_")
RERUN_COMMENT = (
    "# a Python float at a singular point (1 / 0.0): rerun for numpy's inf, nan"
)


def python_arguments(module: str, graphs: list[Graph]) -> str:
    """``module`` (emitted text) with the entry conversion of sequences and the
    rerun on ArithmeticError in each emitted function that needs them."""
    tree = ast.parse(module)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    emitted = {f"{k}{g.fn.name}" for g in graphs for k in KINDS}
    black_boxes = set(functions) - emitted
    plans = []
    for graph in graphs:
        for kind in KINDS:
            fn = functions.get(f"{kind}{graph.fn.name}")
            plan = fn and _plan(fn, kind, graph, functions, black_boxes)
            if plan:
                plans.append(plan)
    if not plans:
        return module
    lines = module.split("\n")
    for plan in sorted(plans, key=lambda p: p.first, reverse=True):
        lines[plan.first : plan.last] = plan.rewrite(lines[plan.first : plan.last])
    for helper in (ENTRY, RERUN):
        if any(helper in plan.helpers for plan in plans):
            lines = _import_helper(lines, helper)
    return "\n".join(lines)


@dataclass(frozen=True)
class Plan:
    """What one emitted function gets: the lines of its body (after the docstring)
    are rewritten as the ``entry`` line, then ``try:`` around them and ``rerun``."""

    first: int  # 0-based: the first line after the docstring
    last: int  # 0-based, exclusive: the line after the function's end
    entry: list[str]  # the parameters made arrays on entry
    rerun: list[str]  # the except clause, and the statements after it; [] for none
    # ``arguments = (tape, h_bar)`` where the body rebinds an argument, else None
    snapshot: str | None

    @property
    def helpers(self) -> set[str]:
        return ({ENTRY} if self.entry else set()) | ({RERUN} if self.rerun else set())

    def rewrite(self, body: list[str]) -> list[str]:
        lines = []
        if self.entry:
            names = ", ".join(self.entry)
            targets = f"({names},)" if len(self.entry) == 1 else names
            lines.append(f"    {targets} = {ENTRY}({names})")
        if not self.rerun:
            return lines + body
        return [
            *lines,
            *self._snapshot(),
            "    try:",
            *[f"    {line}" if line.strip() else line for line in body],
            *[f"    {line}" for line in self.rerun],
        ]

    def _snapshot(self) -> list[str]:
        return [] if self.snapshot is None else [f"    {self.snapshot}"]


def _plan(
    fn: ast.FunctionDef,
    kind: str,
    graph: Graph,
    functions: dict[str, ast.FunctionDef],
    black_boxes: set[str],
) -> Plan | None:
    if not _has_docstring(fn) or _has_try(fn):  # the float path: its own fallback
        return None
    params = [a.arg for a in fn.args.args]
    entry = [p for p in params if p in _entry_params(fn, kind, graph)]
    rerun: list[str] = []
    snapshot = None
    if _can_raise(fn, black_boxes):
        arguments = ", ".join(params)
        rebound = set(params) & _stored(fn)
        if rebound:  # rerun with the arguments as given (a seed may be a carried name)
            kept = _fresh("arguments", fn)
            packed = f"({arguments},)" if len(params) == 1 else f"({arguments})"
            snapshot, arguments = f"{kept} = {packed}", f"*{kept}"
        rerun = _rerun(fn, kind, graph.fn.name, arguments, functions)
    if not entry and not rerun:
        return None
    return Plan(fn.body[0].end_lineno, fn.end_lineno, entry, rerun, snapshot)


def _entry_params(fn: ast.FunctionDef, kind: str, graph: Graph) -> set[str]:
    """The parameters of ``fn`` a caller may pass as lists for arrays."""
    if kind == "backward_":  # (tape, seed): the seed, unless the output is a scalar
        out = graph.fn.output
        scalar = not isinstance(out, str) or graph.shapes.get(out) == SCALAR
        return set() if scalar else {fn.args.args[1].arg}
    arrays = _array_params(graph)
    names = [a.arg for a in fn.args.args]
    if kind == "jvp_":  # the model's parameters, then one tangent per wrt parameter
        tangents = names[len(graph.fn.params) :]
        arrays |= {
            t for t, p in zip(tangents, graph.fn.wrt, strict=True) if p in arrays
        }
    return arrays


def _array_params(graph: Graph) -> set[str]:
    """Parameters not declared scalars, and not read as Python values (an index, a
    shape, an axis, a range bound, a condition) anywhere in the function."""
    fn = graph.fn
    as_python = {n for e in all_eqns(graph.body) for n in _static_names(e)}
    as_python |= {n for s in structures(graph.body) for n in structure_reads(s)}
    return {
        p
        for p in fn.params
        if p not in fn.numbers and graph.shapes.get(p) != SCALAR and p not in as_python
    }


def _static_names(eqn: Eqn) -> set[str]:
    """Names in ``eqn``'s static parameters (not its operands): ``i`` in ``x[i]``."""
    return {
        n.id
        for _, value in eqn.params
        if isinstance(value, ast.AST)
        for n in ast.walk(value)
        if isinstance(n, ast.Name)
    }


def _can_raise(fn: ast.FunctionDef, black_boxes: set[str]) -> bool:
    """Whether ``fn``'s code may raise ArithmeticError on Python floats where numpy
    would give inf or nan: ``/ // % **``, or a call of a copied black-box function."""
    for node in ast.walk(fn):
        if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(
            node.op, RAISING_OPERATORS
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in black_boxes
        ):
            return True
    return False


def _rerun(
    fn: ast.FunctionDef,
    kind: str,
    name: str,
    arguments: str,
    functions: dict[str, ast.FunctionDef],
) -> list[str]:
    """The ``except ArithmeticError:`` clause, and for ``grad_f`` and
    ``value_and_grad_f`` the two sweeps after it."""
    handler = ["except ArithmeticError:", f"    {RERUN_COMMENT}"]
    again = f"{RERUN}({arguments})"
    sweeps = _sweeps(fn, kind, name, functions)
    if sweeps is None:
        return [*handler, f"    return {fn.name}(*{again})"]
    params = [a.arg for a in fn.args.args]
    targets = f"({params[0]},)" if len(params) == 1 else ", ".join(params)
    return [*handler, f"    {targets} = {again}", *sweeps]


def _sweeps(
    fn: ast.FunctionDef, kind: str, name: str, functions: dict[str, ast.FunctionDef]
) -> list[str] | None:
    """``backward_f(forward_f(...)[1])``, with grad_f's scalar check if it has one,
    or None where there is no such rerun (forward mode only; no value to name)."""
    forward, backward = f"forward_{name}", f"backward_{name}"
    if kind not in ("grad_", "value_and_grad_") or not {forward, backward} <= set(
        functions
    ):
        return None
    args = ", ".join(a.arg for a in fn.args.args)
    guard = next((s for s in fn.body if _is_guard(s)), None)
    value = _guarded_name(guard) if guard else _returned_value(fn)
    if kind == "grad_" and guard is None:
        return [f"return {backward}({forward}({args})[1])"]
    if value is None:
        return None
    checked = ast.unparse(guard).split("\n") if guard else []
    returned = (
        f"{value}, {backward}(tape)"
        if kind == "value_and_grad_"
        else f"{backward}(tape)"
    )
    return [f"{value}, tape = {forward}({args})", *checked, f"return {returned}"]


def _is_guard(stmt: ast.stmt) -> bool:
    """``if np.ndim(out) != 0: raise ValueError(...)``: grad_f's run-time scalar check."""
    return (
        isinstance(stmt, ast.If)
        and _guarded_name(stmt) is not None
        and all(isinstance(s, ast.Raise) for s in stmt.body)
    )


def _guarded_name(guard: ast.If) -> str | None:
    test = guard.test
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Call)
        and ast.unparse(test.left.func) == "np.ndim"
        and len(test.left.args) == 1
        and isinstance(test.left.args[0], ast.Name)
    ):
        return test.left.args[0].id
    return None


def _returned_value(fn: ast.FunctionDef) -> str | None:
    """``n8`` in value_and_grad_f's ``return n8, (x_bar,)``."""
    last = fn.body[-1]
    if (
        isinstance(last, ast.Return)
        and isinstance(last.value, ast.Tuple)
        and isinstance(last.value.elts[0], ast.Name)
    ):
        return last.value.elts[0].id
    return None


def _stored(fn: ast.FunctionDef) -> set[str]:
    return {
        n.id
        for n in ast.walk(fn)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _fresh(base: str, fn: ast.FunctionDef) -> str:
    taken = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    taken |= {a.arg for a in fn.args.args}
    while base in taken:
        base += "_"
    return base


def _has_docstring(fn: ast.FunctionDef) -> bool:
    first = fn.body[0]
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)


def _has_try(fn: ast.FunctionDef) -> bool:
    return any(isinstance(s, ast.Try) for s in fn.body)


def plain_function(fn: ast.FunctionDef) -> ast.FunctionDef:
    """``fn`` (parsed emitted code) without what this pass added: no entry
    conversion, the statements inside its ``try`` and no rerun.  For a reader of
    the emitted code that reads it as a model again.  ``fn`` is changed in place."""
    body = [s for s in fn.body if not _calls(s, ENTRY)]
    for i, stmt in enumerate(body):
        if _is_rerun(stmt):
            snapshot = i > 0 and _is_snapshot(body[i - 1], stmt)
            body = [*body[: i - 1 if snapshot else i], *stmt.body]
            break
    fn.body = body
    return fn


def _calls(stmt: ast.stmt, helper: str) -> bool:
    """``a, b = helper(a, b)``."""
    return (
        isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id == helper
    )


def _is_rerun(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Try)
        and len(stmt.handlers) == 1
        and isinstance(stmt.handlers[0].type, ast.Name)
        and stmt.handlers[0].type.id == "ArithmeticError"
    )


def _is_snapshot(stmt: ast.stmt, rerun: ast.Try) -> bool:
    """``arguments = (tape, h_bar)``, kept for the rerun in ``rerun``'s handler."""
    if not (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        return False
    kept = stmt.targets[0].id
    return any(
        isinstance(n, ast.Name) and n.id == kept for n in ast.walk(rerun.handlers[0])
    )


def _import_helper(lines: list[str], helper: str) -> list[str]:
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
