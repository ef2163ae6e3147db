"""Which values are numbers (Python's, or numpy scalars), and constant folding.

A name known to hold a number is immutable: ``x += y`` cannot change another
name for the same value, so the alias refusals skip it.  Arithmetic on
constants (``2 * 3``) is done at compile time, where Python can.
"""

from __future__ import annotations

import ast
import operator

from ..exits import walk_statements
from ..ir import Atom, Const
from ..parse import Module
from ..primitives import FUNCTIONS

# Primitives that make a number of numbers (Python's, or a numpy scalar).
NUMBER_ARITHMETIC = {
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "neg",
    "mod",
    "floordiv",
    "copy",
}
ARITHMETIC_OPERATORS = (
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Pow,
    ast.Mod,
    ast.FloorDiv,
)
FOLDABLE = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "neg": operator.neg,
}


def fold(prim: str, args: tuple[Atom, ...]) -> Const | None:
    """``2 * 3`` -> ``6``: arithmetic on constants is done at compile time (where Python can)."""
    if prim not in FOLDABLE or not all(isinstance(a, Const) for a in args):
        return None
    try:
        value = FOLDABLE[prim](*(a.value for a in args))
    except (ArithmeticError, ValueError, TypeError):
        return None  # 1 / 0 and friends stay in the code, to fail as numpy would
    return Const(value) if isinstance(value, (int, float)) else None


def assigned_values(loop: ast.For | ast.While) -> dict[str, list[ast.expr | None]]:
    """name -> every value the loop's body (and its header) assigns it; None: a
    value not written out (an element of an unpacked array, a row)."""
    found: dict[str, list[ast.expr | None]] = {}

    def bind(target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            found.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else []
            for i, element in enumerate(target.elts):
                bind(element, values[i] if len(values) == len(target.elts) else None)

    for node in walk_statements([loop]):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            bind(node.target, node.value)
        elif isinstance(node, ast.AugAssign):
            bind(node.target, ast.BinOp(node.target, node.op, node.value))
        elif isinstance(node, ast.For):
            counts = _is_range(node.iter)  # range gives ints; rows are arrays
            bind(node.target, ast.Constant(0) if counts else None)
    return found


def _is_range(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "range"
    )


def is_arithmetic(node: ast.expr | None, numbers: set[str], module: Module) -> bool:
    """Is ``node`` a number for sure, ``numbers`` being names that hold numbers:
    arithmetic on literals, those names, and ``math`` functions?"""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float))
    if isinstance(node, ast.Name):
        return node.id in numbers
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and is_arithmetic(
            node.operand, numbers, module
        )
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ARITHMETIC_OPERATORS) and all(
            is_arithmetic(side, numbers, module) for side in (node.left, node.right)
        )
    if isinstance(node, ast.IfExp):
        return all(
            is_arithmetic(side, numbers, module) for side in (node.body, node.orelse)
        )
    if isinstance(node, ast.Call):
        qualified = module.qualified_name(node.func) or ""
        return qualified.startswith("math.") and qualified in FUNCTIONS
    return False
