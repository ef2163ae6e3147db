"""Arguments: lists read as arrays, and numpy's inf and nan for Python floats.

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
  its code (or a call of a copied black-box function) runs inside ``try``
  (``program.Rerun``); on ArithmeticError it runs again with its Python floats
  made numpy floats (``numpy_floats_or_raise``): ``forward_f`` and ``jvp_f`` on
  their arguments, ``backward_f`` on its tape; ``grad_f`` and
  ``value_and_grad_f`` through the two sweeps, as the float path does
  (scalars.py), so that a float a ``math`` call of the model returns is
  converted on the tape too.  A ``try`` costs nothing until it catches;
  converting every Python float on entry instead would slow all scalar code
  (numpy scalars are slow) and, beside float32 arrays, widen it to float64.

The last ``Program -> Program`` pass, on every emitted function, chosen by
role.  A float path (scalars.py) already does both its own way: its function
is left alone.  ``higher.py`` reads the program from before the optimize
passes, so it never sees what this pass adds.
"""

from __future__ import annotations

import ast
from collections.abc import Container
from dataclasses import replace

from .. import program as P
from ..graph import Graph
from ..ir import Eqn, all_eqns, structure_reads, structures
from ..shapes import SCALAR

ENTRY = "sequences_as_arrays"
RERUN = "numpy_floats_or_raise"
# Python's arithmetic on floats raises where numpy's gives inf or nan.
RAISING_OPERATORS = (ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
RERUN_COMMENT = (
    "a Python float at a singular point (1 / 0.0): rerun for numpy's inf, nan"
)


def python_arguments(program: P.Program, graphs: list[Graph]) -> P.Program:
    """``program`` with the entry conversion of sequences and the rerun on
    ArithmeticError in each emitted function that needs them."""
    by_model = {g.fn.name: g for g in graphs}
    emitted = {f.name for f in program.functions()}
    black_boxes = {
        d.name
        for d in program.definitions
        if isinstance(d, P.Verbatim) and d.name not in emitted
    } - {""}

    def rewrite(fn: P.Function) -> P.Function:
        if any(isinstance(s, P.FloatPath) for s in fn.body):  # its own fallback
            return fn
        sweeps = _sweep_names(program, fn.model)
        return _with_arguments(fn, by_model[fn.model], black_boxes, sweeps)

    return program.with_functions(rewrite)


def _sweep_names(program: P.Program, model: str) -> tuple[str, str] | None:
    """The names of ``model``'s forward_f and backward_f, if the module has both."""
    forward = [f.name for f in program.functions(P.FORWARD) if f.model == model]
    backward = [f.name for f in program.functions(P.BACKWARD) if f.model == model]
    return (forward[0], backward[0]) if forward and backward else None


def _with_arguments(
    fn: P.Function,
    graph: Graph,
    black_boxes: set[str],
    sweeps: tuple[str, str] | None,
) -> P.Function:
    params = tuple(p.name for p in fn.params)
    arrays = _entry_params(fn, graph)
    entry = tuple(p for p in params if p in arrays)
    body = fn.body
    if _can_raise(fn.body, black_boxes):
        arguments: list[ast.expr] = [_name(p) for p in params]
        snapshot: tuple[P.Stmt, ...] = ()
        if set(params) & _bound(fn.body):  # rerun with the arguments as given
            kept = _fresh("arguments", fn)
            snapshot = (P.Assign(kept, ast.Tuple(arguments, ast.Load())),)
            arguments = [ast.Starred(_name(kept), ast.Load())]
        handler, after = _handler(fn, _call(RERUN, *arguments), sweeps)
        rerun = P.Rerun(body, (P.Comment(RERUN_COMMENT), *handler))
        body = (*snapshot, rerun, *after)
    elif not entry:
        return fn
    if entry:
        names = [_name(p) for p in entry]
        body = (P.Unpack(entry, _call(ENTRY, *names)), *body)
    return replace(fn, body=body)


def _entry_params(fn: P.Function, graph: Graph) -> set[str]:
    """The parameters of ``fn`` a caller may pass as lists for arrays."""
    if fn.role == P.BACKWARD:  # (tape, seed): the seed, unless the output is a scalar
        out = graph.fn.output
        scalar = not isinstance(out, str) or graph.shapes.get(out) == SCALAR
        return set() if scalar else {fn.params[1].name}
    arrays = _array_params(graph)
    if fn.role == P.JVP:  # the model's parameters, then one tangent per wrt parameter
        tangents = [p.name for p in fn.params[len(graph.fn.params) :]]
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


def _can_raise(body: tuple[P.Stmt, ...], black_boxes: set[str]) -> bool:
    """Whether ``body`` may raise ArithmeticError on Python floats where numpy
    would give inf or nan: ``/ // % **``, or a call of a copied black-box function."""
    for stmt in P.walk(body):
        for node in (n for e in P.expressions(stmt) for n in ast.walk(e)):
            if isinstance(node, ast.BinOp) and isinstance(node.op, RAISING_OPERATORS):
                return True
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in black_boxes
            ):
                return True
    return False


def starred_rerun(
    handler: tuple[P.Stmt, ...], callees: Container[str]
) -> tuple[ast.Call, ast.Call] | None:
    """The call ``f(...)`` and its arguments' conversion ``numpy_floats_or_raise(a,
    b)`` where ``handler`` ends ``return f(*numpy_floats_or_raise(a, b))`` (what
    ``_handler`` writes) with ``f`` among ``callees`` and ``a``, ``b`` names; else
    None.  The passes that regroup arguments (containers, module inputs) spell
    that call out."""
    last = handler[-1] if handler else None
    if not isinstance(last, P.Return):
        return None
    call = last.value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in callees
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Starred)
        and isinstance(call.args[0].value, ast.Call)
        and all(isinstance(a, ast.Name) for a in call.args[0].value.args)
    ):
        return None
    return call, call.args[0].value


def _handler(
    fn: P.Function, again: ast.Call, sweeps: tuple[str, str] | None
) -> tuple[tuple[P.Stmt, ...], tuple[P.Stmt, ...]]:
    """What runs after ``except ArithmeticError:``, and after the ``try`` statement:
    the function again on numpy floats, or for ``grad_f`` and ``value_and_grad_f``
    the floats converted, then the two sweeps."""
    params = tuple(p.name for p in fn.params)
    rerun_sweeps = sweeps and _rerun_sweeps(fn, *sweeps)
    if rerun_sweeps is None:
        return (P.Return(_call(fn.name, ast.Starred(again, ast.Load()))),), ()
    return (P.Unpack(params, again),), rerun_sweeps


def _rerun_sweeps(
    fn: P.Function, forward: str, backward: str
) -> tuple[P.Stmt, ...] | None:
    """``backward_f(forward_f(...)[1])``, with grad_f's scalar check if it has one,
    or None where there is no such rerun (not a fused gradient; no value to name)."""
    if fn.role not in P.FUSED or fn.returns_aux:  # aux: no rerun that returns it
        return None
    args = [_name(p.name) for p in fn.params]
    guard = next((s for s in fn.body if isinstance(s, P.ScalarCheck)), None)
    value = guard.name if guard else _returned_value(fn)
    if fn.role == P.GRAD and guard is None:
        tape = ast.Subscript(_call(forward, *args), ast.Constant(1), ast.Load())
        return (P.Return(_call(backward, tape)),)
    if value is None:
        return None
    gradient = _call(backward, _name("tape"))
    returned = (
        ast.Tuple([_name(value), gradient], ast.Load())
        if fn.role == P.VALUE_AND_GRAD
        else gradient
    )
    return (
        P.Unpack((value, "tape"), _call(forward, *args)),
        *([guard] if guard else []),
        P.Return(returned),
    )


def _returned_value(fn: P.Function) -> str | None:
    """``n8`` in value_and_grad_f's ``return n8, (x_bar,)``."""
    last = fn.body[-1]
    if (
        isinstance(last, P.Return)
        and isinstance(last.value, ast.Tuple)
        and isinstance(last.value.elts[0], ast.Name)
    ):
        return last.value.elts[0].id
    return None


def _bound(body: tuple[P.Stmt, ...]) -> set[str]:
    """The names ``body`` assigns (not those it only deletes or appends to)."""
    names: set[str] = set()
    for stmt in P.walk(body):
        if isinstance(stmt, P.Pop):
            names.add(stmt.name)
        elif not isinstance(stmt, P.Push | P.Delete):
            names |= P.writes(stmt)
    return names


def _fresh(base: str, fn: P.Function) -> str:
    """``base``, or ``base_``, ``base__``...: a name ``fn`` does not use."""
    taken = {p.name for p in fn.params}
    for stmt in P.walk(fn.body):
        taken |= set(P.reads(stmt)) | P.writes(stmt)
    while base in taken:
        base += "_"
    return base


def _name(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def _call(function: str, *args: ast.expr) -> ast.Call:
    return ast.Call(_name(function), list(args), [])
