"""Simplify: tidy the adjoint expressions the rules built (in stage 6, sweeps, and 7, optimize).

Rules are written generally (``g * (y * x ** (y - 1))``); with a constant
exponent ``y = 2`` that would read ``g * (2 * x ** (2 - 1))``.  This pass folds
constants and drops identities so the emitted code reads as if written by hand:

    2 - 1 -> 1     x ** 1 -> x     1 * g, g * 1, g / 1 -> g     -1 * np.cos(x) -> -np.cos(x)
    g + 0, 0 + g, g - 0 -> g       -(-g) -> g       -(2) -> -2
    a + -b -> a - b                a - -b -> a + b
    -np.cos(x) + b -> b - np.cos(x)   (a float function's value: never a bool or an int)

Nothing here changes a value, not even for inf and nan (``0 * g`` is kept), nor
makes a float a bool (``1.0 * (a < b)`` is kept).
"""

from __future__ import annotations

import ast
import operator

from .astcopy import clone

FOLD = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def number(node: ast.AST) -> float | int | None:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = number(node.operand)
        return None if inner is None else -inner
    return None


def _constant(value: float | int) -> ast.expr:
    return (
        ast.UnaryOp(ast.USub(), ast.Constant(-value))
        if value < 0
        else ast.Constant(value)
    )


FLOAT_FUNCTIONS = {"sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh"}


def _is_float_function(node: ast.AST) -> bool:
    """A call such as ``np.cos(x)``: never a bool array, which unary minus rejects."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("np", "math", "scalar_math")
        and node.func.attr in FLOAT_FUNCTIONS
    )


def _is_mask(node: ast.AST) -> bool:
    """A comparison such as ``a < b``: a bool, which ``1.0 * (a < b)`` makes a float
    (negating a bool raises, tests/fuzz_regressions/033)."""
    return isinstance(node, ast.Compare | ast.BoolOp) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
    )


class _Simplify(ast.NodeTransformer):
    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        left, right, op = number(node.left), number(node.right), type(node.op)
        if left is not None and right is not None and op in FOLD:
            return _constant(FOLD[op](left, right))
        if op is ast.Mult and left == 1 and not _is_mask(node.right):
            return node.right
        if op is ast.Mult and left == -1 and _is_float_function(node.right):
            return ast.UnaryOp(ast.USub(), node.right)  # -1.0 * np.cos(x) -> -np.cos(x)
        if (
            op in (ast.Mult, ast.Div, ast.Pow)
            and right == 1
            and not _is_mask(node.left)
        ):
            return node.left
        if op is ast.Add and left == 0:
            return node.right
        if op in (ast.Add, ast.Sub) and right == 0:
            return node.left
        if (
            op in (ast.Add, ast.Sub)
            and isinstance(node.right, ast.UnaryOp)
            and isinstance(node.right.op, ast.USub)
        ):
            flipped = ast.Sub() if op is ast.Add else ast.Add()
            return ast.BinOp(node.left, flipped, node.right.operand)
        if (
            op is ast.Add
            and isinstance(node.left, ast.UnaryOp)
            and isinstance(node.left.op, ast.USub)
            and _is_float_function(node.left.operand)
        ):  # -np.cos(x) + b -> b - np.cos(x): exact on floats, one operation fewer
            return ast.BinOp(node.right, ast.Sub(), node.left.operand)
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        inner = node.operand
        if (
            isinstance(node.op, ast.USub)
            and isinstance(inner, ast.UnaryOp)
            and isinstance(inner.op, ast.USub)
        ):
            return inner.operand
        return node


def simplify_expr(node: ast.expr) -> ast.expr:
    """A simplified copy of the expression ``node`` (the input is left untouched)."""
    return _Simplify().visit(clone(node))


def simplify(statement: ast.stmt) -> ast.stmt:
    """A simplified copy of ``statement`` (the input is left untouched)."""
    return _Simplify().visit(clone(statement))
