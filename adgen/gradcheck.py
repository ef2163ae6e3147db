"""``adgen check``: adgen's gradient beside finite differences and a symbolic derivative.

At a point of scalar parameters, three independent numbers per parameter:

* adgen: the emitted ``grad_f``, executed;
* finite differences of the primal by ``scipy.differentiate`` with its error
  estimate (``adgen.testing.reference_derivative``: adaptive steps, so
  sin at x = 1e9 is checked as well as at x = 2);
* symbolic: the graph rebuilt as a SymPy expression and differentiated
  (optional: ``pip install sympy``; the lecture checks with MATLAB's ``syms``).

Each parameter gets a verdict, with ``allowed = tol * max(1, |reference|)``:

* DISAGREE if a trusted reference differs from adgen by more than ``allowed``
  (plus the finite difference's error estimate): exit 1;
* agree if a trusted reference is within ``allowed`` and none disagrees;
* inconclusive otherwise: exit 3.  A reference is not trusted where f itself
  is inf or nan at the point (log(-1), log(0)), where it is nan (a singular
  point), or, for finite differences, where the error estimate is above
  ``allowed`` (too noisy to tell agreement from disagreement).

One DISAGREE makes the command's verdict DISAGREE; else one inconclusive
makes it inconclusive.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .graph import Graph
from .ir import Const
from .testing import (
    AGREE,
    DISAGREE,
    INCONCLUSIVE,
    Reference,
    reference_derivative,
    verdict,
)
from .trace import number, primal_trace


def _unary(f: Callable[[Any], Any]) -> Callable[..., Any]:
    return lambda x, **_: f(x)


def _sympy_rules(sp: Any) -> dict[str, Callable[..., Any]]:
    """Primitive -> SymPy builder, for the symbolic column."""
    unary = {
        "sin": sp.sin,
        "cos": sp.cos,
        "tan": sp.tan,
        "arcsin": sp.asin,
        "arccos": sp.acos,
        "arctan": sp.atan,
        "sinh": sp.sinh,
        "cosh": sp.cosh,
        "tanh": sp.tanh,
        "exp": sp.exp,
        "log": sp.log,
        "sqrt": sp.sqrt,
        "abs": sp.Abs,
    }
    rules: dict[str, Callable[..., Any]] = {k: _unary(f) for k, f in unary.items()}
    rules.update(
        {
            "add": lambda x, y, **_: x + y,
            "sub": lambda x, y, **_: x - y,
            "mul": lambda x, y, **_: x * y,
            "div": lambda x, y, **_: x / y,
            "pow": lambda x, y, **_: x**y,
            "neg": lambda x, **_: -x,
            "exp2": lambda x, **_: 2**x,
            "expm1": lambda x, **_: sp.exp(x) - 1,
            "log2": lambda x, **_: sp.log(x, 2),
            "log10": lambda x, **_: sp.log(x, 10),
            "log1p": lambda x, **_: sp.log(1 + x),
            "square": lambda x, **_: x**2,
            "expit": lambda x, **_: 1 / (1 + sp.exp(-x)),
            "maximum": lambda x, y, **_: sp.Max(x, y),
            "minimum": lambda x, y, **_: sp.Min(x, y),
            "sum": lambda x, **_: x,
            "mean": lambda x, **_: x,
        }
    )
    return rules


@dataclass
class Row:
    param: str
    adgen: float
    finite_difference: float
    fd_error: float  # scipy.differentiate's error estimate
    symbolic: float | None
    verdict: str = INCONCLUSIVE
    fd_trusted: bool = True  # finite, with an error estimate within the tolerance


def check_at(
    graph: Graph, grad_f: Callable[..., Any], point: dict[str, float], tol: float = 1e-6
) -> list[Row]:
    """One row per ``wrt`` parameter: adgen, finite differences, symbolic (or None), verdict."""
    _, values = primal_trace(graph, point)  # validates the point
    args = [values[p] for p in graph.fn.params]
    with np.errstate(all="ignore"):  # inf/nan at a singular point are shown, not warned
        grads = grad_f(*args)
    symbolic = _symbolic_gradient(graph, point)
    f_is_finite = math.isfinite(_value(graph, point))
    rows = []
    for p, g in zip(graph.fn.wrt, grads, strict=True):
        fd = reference_derivative(
            lambda t, p=p: _value(graph, {**point, p: point[p] + t}),
            max(1.0, abs(point[p])),
            lambda value: _allowed(value, tol),
        )
        row = Row(
            p, float(g), fd.value, fd.error, None if symbolic is None else symbolic[p]
        )
        row.fd_trusted = math.isfinite(fd.value) and fd.error <= _allowed(fd.value, tol)
        row.verdict = _verdict(row, tol) if f_is_finite else INCONCLUSIVE
        rows.append(row)
    return rows


def _allowed(reference: float, tol: float) -> float:
    return tol * max(1.0, abs(reference))


def _verdict(row: Row, tol: float) -> str:
    """DISAGREE if a trusted reference disagrees; agree if one agrees; else inconclusive."""
    fd = Reference(row.finite_difference, row.fd_error)
    outcomes = [verdict(row.adgen, fd, _allowed(fd.value, tol))]
    if row.symbolic is not None:  # exact: no error estimate of its own
        symbolic = Reference(row.symbolic, 0.0)
        outcomes.append(verdict(row.adgen, symbolic, _allowed(row.symbolic, tol)))
    if DISAGREE in outcomes:
        return DISAGREE
    return AGREE if AGREE in outcomes else INCONCLUSIVE


def overall_verdict(rows: list[Row]) -> str:
    """DISAGREE if a parameter disagrees; else inconclusive if one is; else agree."""
    verdicts = {r.verdict for r in rows}
    for v in (DISAGREE, INCONCLUSIVE):
        if v in verdicts:
            return v
    return AGREE


def _value(graph: Graph, point: dict[str, float]) -> float:
    _, values = primal_trace(graph, point)
    out = graph.fn.output
    return float(out.value if isinstance(out, Const) else values[out])


def _symbolic_gradient(
    graph: Graph, point: dict[str, float]
) -> dict[str, float] | None:
    """d out / d p for each wrt parameter, by SymPy; None if SymPy is absent or a node has no sympy form."""
    try:
        import sympy as sp
    except ImportError:
        return None
    rules = _sympy_rules(sp)
    env = {p: sp.Symbol(p, real=True) for p in graph.fn.params}
    for eqn in graph.eqns:
        if eqn.prim not in rules:
            return None
        operands = [
            sp.nsimplify(a.value) if isinstance(a, Const) else env[a] for a in eqn.args
        ]
        env[eqn.out] = rules[eqn.prim](*operands)
    out = graph.fn.output
    expression = sp.nsimplify(out.value) if isinstance(out, Const) else env[out]
    substitution = {env[p]: sp.Float(v, 30) for p, v in point.items()}
    return {
        p: _real(sp.diff(expression, env[p]).subs(substitution).evalf(20))
        for p in graph.fn.wrt
    }


def _real(value: Any) -> float:
    """A SymPy number as a float; nan where it is complex or undefined (a singular point)."""
    try:
        number = complex(value)
    except (TypeError, ValueError):
        return math.nan
    return number.real if number.imag == 0 else math.nan


def disagreement(rows: list[Row]) -> float:
    """The largest relative error between adgen and each reference (finite
    differences only where their error estimate is within the tolerance)."""
    errors = [relative_error(r.adgen, ref) for r in rows for ref in _references(r)]
    return max(errors, default=0.0)


def _references(row: Row) -> list[float]:
    fd = [row.finite_difference] if row.fd_trusted else []
    return fd + ([] if row.symbolic is None else [row.symbolic])


def relative_error(got: float, want: float) -> float:
    """|got - want| / max(1, |want|); infinite when only one of them is nan or inf."""
    if math.isnan(got) or math.isnan(want) or math.isinf(got) or math.isinf(want):
        return (
            0.0 if got == want or (math.isnan(got) and math.isnan(want)) else math.inf
        )
    return abs(got - want) / max(1.0, abs(want))


def report(rows: list[Row], symbolic_available: bool) -> str:
    header = (
        f"  {'param':<8} {'adgen':>14} {'finite diff':>14} {'± estimate':>10} "
        f"{'symbolic':>14} {'rel. error':>11}  verdict"
    )
    lines = [header]
    for r in rows:
        errors = [relative_error(r.adgen, x) for x in _references(r)]
        err = f"{max(errors):11.2e}" if errors else f"{'n/a':>11}"
        sym = "n/a" if r.symbolic is None else number(r.symbolic, 9)
        lines.append(
            f"  {r.param:<8} {number(r.adgen, 9):>14} {number(r.finite_difference, 9):>14} "
            f"{r.fd_error:>10.1e} {sym:>14} {err}  {r.verdict}"
        )
    if not symbolic_available:
        lines.append(
            "  (symbolic column: install sympy, `pip install sympy`, or a node has no closed form)"
        )
    return "\n".join(lines)


def grad_function(code: str, name: str) -> Callable[..., Any]:
    """Execute generated module text; return its ``grad_<name>``."""
    scope: dict[str, Any] = {}
    exec(compile(code, f"<adgen: {name}>", "exec"), scope)
    return scope[f"grad_{name}"]
