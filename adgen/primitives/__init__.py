"""The primitive operations adgen knows, one record each (``record.py``).

A reader who wants everything about ``np.sin`` finds it in one record: how the
call is recognised (``numpy.sin``, ``math.sin``), how its value is written,
its VJP partial, and how forward mode reads it.  The records are grouped by
family: ``elementwise.py`` (arithmetic, comparisons, numpy's functions of one
array), ``special.py`` (scipy.special), ``reductions.py``, ``scans.py``
(cumsum, diff, sort), ``linalg.py`` (products), ``einsum.py``, ``complex.py`` (real, imag, conj ... on real arrays), ``matrices.py``
(np.linalg), ``factorizations.py`` (cholesky, slogdet, eigh),
``shape_ops.py``, ``reshaping.py`` (flips, rolls, tiles ...) and
``gradient_code.py`` (the run-time helpers gradient code calls, so that adgen
can differentiate its own output).

``casts.py`` holds ``int(x)``, ``float(x)`` and numpy's named casts;
``effects.py`` holds ``print`` and ``assert``: statements kept for their
effect, which compute no value.

This module builds the lookup indexes the front end reads from the records:

* ``PRIMITIVES``: name -> record;
* ``FUNCTIONS``: qualified function names (``numpy.sin``, ``math.sin``,
  ``scipy.special.expit``, builtins) -> primitive;
* ``METHODS`` and ``ATTRIBUTES``: ``x.sum()`` and ``x.T`` -> primitive;
* ``MATH_SPELLING``: primitive -> its ``math`` module name;

and writes a node's value (``primal_expr``).  Adding a numpy function is one
record in its family's module, plus its test model in tests/rules_models/.
"""

from __future__ import annotations

import ast
import math as math_module
from typing import Any

from .. import runtime as runtime_module
from ..expr import E, assign, name
from ..ir import Const, Eqn
from . import (  # noqa: F401
    casts,
    complex,
    effects,
    einsum,
    elementwise,
    factorizations,
    gradient_code,
    linalg,
    matrices,
    reductions,
    reshaping,
    scans,
    shape_ops,
    special,
    stacking,
)
from .gradient_code import GRADIENT_HELPERS
from .record import PRIMITIVES, Primitive, RuleContext, library, math, np, runtime
from .reductions import summed
from .shape_ops import builtin, list_of

__all__ = [
    "ATTRIBUTES",
    "CONSTANTS",
    "FUNCTIONS",
    "GRADIENT_HELPERS",
    "MATH_SPELLING",
    "METHODS",
    "PRIMITIVES",
    "Primitive",
    "RuleContext",
    "elementwise_calls",
    "library",
    "list_of",
    "primal_expr",
    "primal_statement",
    "rule_operand",
    "runtime",
    "summed",
]


def _functions() -> dict[str, str]:
    """Qualified name -> primitive."""
    table: dict[str, str] = {}
    for p in PRIMITIVES.values():
        table.update(dict.fromkeys(p.calls, p.name))
    for numpy_name in vars(runtime_module.scalar_math):  # grad_f's scalar spelling
        table[f"adgen.runtime.scalar_math.{numpy_name}"] = table[f"numpy.{numpy_name}"]
    return table


FUNCTIONS: dict[str, str] = _functions()


def elementwise_calls(library: str) -> set[str]:
    """The qualified names in ``library`` of the primitives that broadcast their
    operands (``numpy.sin``, ``numpy.where``; not ``numpy.full_like``)."""
    return {
        qualified
        for qualified, prim in FUNCTIONS.items()
        if qualified.startswith(library + ".")
        and PRIMITIVES[prim].elementwise
        and PRIMITIVES[prim].shaped_like is None
    }


# Math functions emitted with `math.` in the forward pass (fast on Python floats).
MATH_SPELLING = {p.name: p.math for p in PRIMITIVES.values() if p.math is not None}

# Array methods: `x.sum(axis=0)` -> "sum"; attributes: `x.T` -> "transpose".
METHODS: dict[str, str] = {m: p.name for p in PRIMITIVES.values() for m in p.methods}
ATTRIBUTES: dict[str, str] = {
    a: p.name for p in PRIMITIVES.values() for a in p.attributes
}

# Constants reachable by qualified name.
CONSTANTS: dict[str, float] = {
    f"{lib}.{name}": value
    for lib in ("numpy", "math")
    for name, value in (
        ("pi", math_module.pi),
        ("e", math_module.e),
        ("inf", math_module.inf),
    )
}


def primal_expr(eqn: Eqn) -> E:
    """How node ``eqn`` is written in emitted code: ``np.sin(x1)``, ``x1 * x2``."""
    operands = [E(a.value) if isinstance(a, Const) else name(a) for a in eqn.args]
    params = eqn.kwargs
    lib = params.pop("lib", None)
    if lib == "math":
        return getattr(math, MATH_SPELLING[eqn.prim])(*operands)
    if lib == "builtins":
        spelled = {"maximum": "max", "minimum": "min", "abs": "abs"}[eqn.prim]
        return E(builtin(spelled)).call(*operands)
    return PRIMITIVES[eqn.prim].forward(*operands, **params)


def rule_operand(atom: Any) -> E:
    """An operand as the derivative rules read it: a variable's name, a number, and a
    module constant that is a list or tuple of numbers as the array numpy makes of it
    wherever it meets an array (``x ** W`` differentiates to ``W * x ** (W - 1)``,
    and ``W - 1`` of a list raises).  The primal keeps the list, as the model wrote
    it: there ``W + W`` joins two lists, as in Python."""
    if not isinstance(atom, Const):
        return name(atom)
    if isinstance(atom.value, list | tuple):
        return np.array(atom.value)
    return E(atom.value)


def primal_statement(eqn: Eqn) -> ast.stmt:
    """The assignment ``out = <primal_expr>`` for node ``eqn``; for an effect
    (``effects.py``), the bare ``print(...)`` or ``assert test, message``."""
    effect = PRIMITIVES[eqn.prim].effect
    if effect == "print":
        return ast.Expr(primal_expr(eqn).node)
    if effect == "assert":
        message = eqn.kwargs["message"]
        text = None if message is None else ast.Constant(message)
        return ast.Assert(primal_expr(eqn).node, text)
    return assign(eqn.out, primal_expr(eqn))
