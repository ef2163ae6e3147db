"""Static parameters: ``axis=0``, ``keepdims=True``, an index, a shape.

A literal becomes its Python value; an index or a shape may be an expression
over inactive names (``x[i]``, ``x.reshape(n, 2)``), kept as an AST whose
names are renamed to their current versions; a call inside it
(``x[len(x) - 1]``) is computed by an equation of its own first.
"""

from __future__ import annotations

import ast
import copy
import operator
from typing import Any

import numpy

from ..errors import UnresolvedName, UnsupportedSyntax
from ..expr import to_ast
from ..ir import Const
from ..primitives import CONSTANTS
from .scope import Scope, Value

DTYPE_BUILTINS = {"float": float, "int": int, "bool": bool, "complex": complex}


class Statics:
    """The lowerer's reading of static parameters."""

    def static_param(self, name: str, node: ast.expr, scope: Scope) -> Any:
        """A literal's value (axis, keepdims); an index or shape may be an expression."""
        if (
            name == "index"
            and isinstance(node, ast.Subscript)
            and self.module.qualified_name(node.value) == "numpy.s_"
        ):
            node = node.slice  # index_adjoint(g, x, np.s_[1:3]) in gradient code
        if name in ("index", "shape"):
            resolved = self.static_ast(node, scope)
            try:
                return ast.literal_eval(resolved) if name == "shape" else resolved
            except (ValueError, TypeError, SyntaxError):
                return resolved
        if name == "dtype" and (dtype := self.dtype_name(node)) is not None:
            return dtype
        return self.static(node, f"`{name}`", scope)

    def dtype_name(self, node: ast.expr) -> str | None:
        """``float``, ``np.float32``, ``"float32"``: numpy's name of the dtype
        (``"float64"``, ``"float32"``), or None if ``node`` names none."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            spelled: Any = node.value
        elif isinstance(node, ast.Name) and node.id in DTYPE_BUILTINS:
            if node.id in self.block.env or node.id in self.module.functions:
                return None
            spelled = DTYPE_BUILTINS[node.id]
        elif (self.module.qualified_name(node) or "").startswith("numpy."):
            spelled = getattr(numpy, self.module.qualified_name(node)[6:], None)
        else:
            return None
        try:
            return numpy.dtype(spelled).name
        except TypeError:
            return None

    def static(self, node: ast.expr, what: str, scope: Scope) -> Any:
        """A literal static parameter (axis, keepdims): its Python value."""
        resolved = self.static_ast(node, scope)
        try:
            return ast.literal_eval(resolved)
        except (ValueError, TypeError, SyntaxError):
            self.fail(
                node,
                f"{what} must be a constant known when compiling",
                "write a literal, e.g. axis=0",
            )

    def static_ast(self, node: ast.expr, scope: Scope) -> ast.expr:
        """An expression over inactive names (an index, a shape), with names renamed."""
        node = copy.deepcopy(node)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Lambda):
                self.fail(
                    sub,
                    "a lambda is not supported inside an index or shape",
                    "compute the value in its own statement first",
                )
        return _RenameStatic(self, scope).visit(node)


_INTEGER_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


class _RenameStatic(ast.NodeTransformer):
    """Rename the names of a static expression to their current versions."""

    def __init__(self, lowerer: Any, scope: Scope):
        self.lowerer = lowerer
        self.scope = scope

    def visit_Name(self, node: ast.Name) -> ast.expr:
        module = self.lowerer.module
        if node.id in self.lowerer.block.env or node.id in module.constants:
            return _atom_ast(self.lowerer.expr_Name(node, self.scope, None))
        if node.id in self.lowerer.inputs:  # a module variable taken as a parameter
            return _atom_ast(self.lowerer.inputs[node.id])
        if node.id in module.variables:
            raise self.lowerer.module_variable(node)
        if node.id == "None":
            return ast.Constant(None)
        raise UnresolvedName(f"name `{node.id}` is not defined", module.location(node))

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        """``i + 1`` with ``i`` a known integer (a comprehension's): the integer."""
        node = self.generic_visit(node)  # type: ignore[assignment]
        fold = _INTEGER_ARITHMETIC.get(type(node.op))
        left, right = node.left, node.right
        if (
            fold is not None
            and isinstance(left, ast.Constant)
            and isinstance(right, ast.Constant)
            and type(left.value) is int
            and type(right.value) is int
            and (right.value != 0 or isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)))
        ):
            return ast.Constant(fold(left.value, right.value))
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        """``x[len(x) - 1]``: the call is computed first, the index reads its value."""
        return _atom_ast(self.lowerer.atom(node, self.scope))

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        qualified = self.lowerer.module.qualified_name(node)
        if qualified in ("numpy.newaxis",):
            return ast.Constant(None)
        if qualified in CONSTANTS:
            return ast.Constant(CONSTANTS[qualified])
        if node.attr in ("shape", "ndim", "size"):
            return ast.Attribute(self.visit(node.value), node.attr, ast.Load())
        raise UnsupportedSyntax(
            f"`{ast.unparse(node)}` is not supported in an index or shape",
            self.lowerer.module.location(node),
            hint="compute the value in its own statement first",
        )


def _atom_ast(value: Value) -> ast.expr:
    """An atom (or a tuple of them) as an expression inside a static parameter."""
    if isinstance(value, tuple):
        return ast.Tuple([_atom_ast(v) for v in value], ast.Load())
    if isinstance(value, Const):
        return to_ast(value.value)
    return ast.Name(value, ast.Load())
