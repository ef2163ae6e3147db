"""``adgen check``: adgen's gradient beside finite differences and a symbolic derivative.

At a point of scalar parameters, three independent numbers per parameter:

* adgen: the emitted ``grad_f``, executed;
* central finite differences of the primal, with step ``h``;
* symbolic: the graph rebuilt as a SymPy expression and differentiated
  (optional: ``pip install sympy``; the lecture checks with MATLAB's ``syms``).

They must agree within tolerance, else the command exits 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .graph import Graph
from .ir import Const
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
    symbolic: float | None


def check_at(
    graph: Graph, grad_f: Callable[..., Any], point: dict[str, float], h: float = 1e-6
) -> list[Row]:
    """One row per ``wrt`` parameter: adgen, finite differences, symbolic (or None)."""
    _, values = primal_trace(graph, point)  # validates the point
    args = [values[p] for p in graph.fn.params]
    grads = grad_f(*args)
    symbolic = _symbolic_gradient(graph, point)
    rows = []
    for p, g in zip(graph.fn.wrt, grads, strict=True):
        fd = (
            _value(graph, {**point, p: point[p] + h})
            - _value(graph, {**point, p: point[p] - h})
        ) / (2 * h)
        rows.append(Row(p, float(g), fd, None if symbolic is None else symbolic[p]))
    return rows


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
    """The largest relative error between adgen and each reference."""
    worst = 0.0
    for r in rows:
        for ref in (r.finite_difference, r.symbolic):
            if ref is not None:
                worst = max(worst, relative_error(r.adgen, ref))
    return worst


def relative_error(got: float, want: float) -> float:
    """|got - want| / max(1, |want|); infinite when only one of them is nan or inf."""
    if math.isnan(got) or math.isnan(want) or math.isinf(got) or math.isinf(want):
        return (
            0.0 if got == want or (math.isnan(got) and math.isnan(want)) else math.inf
        )
    return abs(got - want) / max(1.0, abs(want))


def report(rows: list[Row], symbolic_available: bool) -> str:
    header = f"  {'param':<8} {'adgen':>14} {'finite diff':>14} {'symbolic':>14} {'rel. error':>11}"
    lines = [header]
    for r in rows:
        refs = [x for x in (r.finite_difference, r.symbolic) if x is not None]
        err = max(relative_error(r.adgen, x) for x in refs)
        sym = "n/a" if r.symbolic is None else number(r.symbolic, 9)
        lines.append(
            f"  {r.param:<8} {number(r.adgen, 9):>14} {number(r.finite_difference, 9):>14} {sym:>14} {err:11.2e}"
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
