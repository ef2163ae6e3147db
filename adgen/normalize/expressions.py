"""A-normal form of expressions: each operation becomes one equation.

``h = np.tanh(W @ x + b)`` lowers to ``n3 = matmul(W, x)``, ``n4 = add(n3, b)``,
``h = tanh(n4)``: operands are atoms (names or constants), and the outermost
node takes the user's name.  Names read their current version from the
environment; module constants and numpy's constants become ``Const`` atoms.
Calls are in ``calls.py``; conditional expressions in ``joins.py``.
"""

from __future__ import annotations

import ast

import numpy as np

from ..bindings import module_variable_hint, module_variable_message
from ..errors import UndeclaredStructure, UnresolvedName, UnsupportedSyntax
from ..ir import Atom, Const
from ..primitives import ATTRIBUTES, CONSTANTS
from ..primitives.casts import TYPE_NAMES
from ..primitives.stacking import INDEX_TRICKS
from ..structures import Record
from .diagnostics import (
    CONTAINER_HINT,
    indexed_by_string,
    negation_hint,
    op_symbol,
    root_name,
)
from .scope import Scope, Value

BINARY_OPS = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.Pow: "pow",
    ast.MatMult: "matmul",
    ast.Mod: "mod",
    ast.FloorDiv: "floordiv",
}
COMPARISONS = {
    ast.Gt: "gt",
    ast.Lt: "lt",
    ast.GtE: "ge",
    ast.LtE: "le",
    ast.Eq: "eq",
    ast.NotEq: "ne",
}


class Expressions:
    """The ``expr_*`` methods of the lowerer, one per kind of expression."""

    def expr(self, node: ast.expr, scope: Scope, name: str | None = None) -> Value:
        """Normalize ``node``; its outermost node, if any, is named after ``name``."""
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            self.fail(
                node,
                f"`{ast.unparse(node)}` is not supported here",
                "rewrite it with supported operations",
            )
        return method(node, scope, name)

    def atom(self, node: ast.expr, scope: Scope) -> Atom:
        value = self.expr(node, scope)
        if isinstance(value, tuple):
            self.fail(
                node,
                f"a {'dict' if isinstance(value, Record) else 'tuple'} cannot be used "
                "as a number or array",
                "unpack it (a, b = ...), or join the values with np.stack([...])",
            )
        return value

    def expr_Constant(
        self, node: ast.Constant, scope: Scope, name: str | None
    ) -> Value:
        if isinstance(node.value, (int, float)):  # bool is an int
            return Const(node.value)
        self.fail(
            node,
            f"the constant {node.value!r} is not a number",
            "use numbers and arrays only",
        )

    def expr_Name(self, node: ast.Name, scope: Scope, name: str | None) -> Value:
        if node.id in self.block.env:
            return self.block.env[node.id]
        if node.id in self.module.constants:
            return Const(ast.literal_eval(self.module.constants[node.id]))
        if node.id in self.inputs:  # a module variable the runtime API passes live
            return self.inputs[node.id]
        if node.id in self.module.variables:
            raise self.module_variable(node)
        qualified = self.module.imports.get(node.id)
        if qualified in CONSTANTS:
            return Const(CONSTANTS[qualified])
        if node.id in self.module.functions or qualified:
            self.fail(
                node,
                f"`{node.id}` is a function, not a value",
                "call it",
                UnsupportedSyntax,
            )
        if node.id in scope.out_of_scope:
            raise UnresolvedName(
                f"`{node.id}` has no value here: it {scope.out_of_scope[node.id]}",
                self.module.location(node),
                hint=f"give `{node.id}` a value before the if/loop too",
            )
        raise UnresolvedName(
            f"name `{node.id}` is not defined in the function or at the top of the file",
            self.module.location(node),
        )

    def module_variable(self, node: ast.Name) -> UnresolvedName:
        """The refusal of a module-level name whose value is known only at run time."""
        return UnresolvedName(
            module_variable_message(self.module, node.id),
            self.module.location(node),
            hint=module_variable_hint(node.id),
        )

    def expr_Tuple(self, node: ast.Tuple, scope: Scope, name: str | None) -> Value:
        """A tuple or list literal: a tuple of values (nested literals nested), an
        array only where numpy makes one of it (``as_array``)."""
        return tuple(self.element(e, scope) for e in node.elts)

    expr_List = expr_Tuple

    def element(self, node: ast.expr, scope: Scope) -> Value:
        """An element of a tuple, list or dict literal: an atom, or a literal nested
        in it (``dict(j=a, k=b)`` too)."""
        is_dict_call = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dict"
        )
        if isinstance(node, (ast.Tuple, ast.List, ast.Dict)) or is_dict_call:
            return self.expr(node, scope)
        return self.atom(node, scope)

    def expr_Dict(self, node: ast.Dict, scope: Scope, name: str | None) -> Value:
        """``{"W": W, "b": b}`` with string keys: a structure (aux, a helper's result)."""
        if not all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys
        ):
            self.fail(
                node,
                "a dict needs string constant keys here",
                'write {"W": W, "b": b}',
            )
        keys = tuple(k.value for k in node.keys)  # type: ignore[union-attr]
        return Record(keys, tuple(self.element(v, scope) for v in node.values))

    def expr_BinOp(self, node: ast.BinOp, scope: Scope, name: str | None) -> Value:
        if type(node.op) not in BINARY_OPS:
            self.fail(
                node,
                f"the operator `{op_symbol(node)}` is not supported",
                "use + - * / ** @ % //",
            )
        op = BINARY_OPS[type(node.op)]
        return self.binary(op, node.left, node.right, scope, name)

    def binary(
        self,
        prim: str,
        left: ast.expr,
        right: ast.expr,
        scope: Scope,
        name: str | None,
    ) -> Atom:
        operands = [self.expr(left, scope), self.expr(right, scope)]
        for k, (node, other) in enumerate(((left, operands[1]), (right, operands[0]))):
            if isinstance(operands[k], Record):
                self.fail(
                    node,
                    f"`{ast.unparse(node)}` is a dict: a dict cannot be used as a "
                    "number or array",
                    f'read a value by its key: {ast.unparse(node)}["..."]',
                )
            if isinstance(operands[k], tuple):
                if isinstance(other, tuple) or self.is_number(other):
                    self.fail(  # Python's list arithmetic: [a] * 2 repeats the list
                        node,
                        f"`{ast.unparse(node)}` is a tuple or list of values here, and "
                        "Python's list arithmetic is not numpy's (`[a, b] * 2` repeats the list)",
                        f"make it an array: np.array({ast.unparse(node)})",
                    )
                operands[k] = self.as_array(operands[k])  # list + array: numpy's
        return self.emit(prim, tuple(operands), {}, name)

    def expr_UnaryOp(self, node: ast.UnaryOp, scope: Scope, name: str | None) -> Value:
        if isinstance(node.op, ast.Not):
            return self.negation(node, scope, name)
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            self.fail(node, "`~` is not supported", negation_hint(node))
        operand = self.atom(node.operand, scope)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(operand, Const) and isinstance(operand.value, list | tuple):
            self.fail(  # the model itself would raise TypeError here
                node,
                f"`{ast.unparse(node)}` negates a {type(operand.value).__name__}, "
                "which Python cannot do (a list constant is an array only next to an array)",
                "negate the numbers where the constant is defined, or after it meets "
                "an array: -(x * W)",
            )
        if isinstance(operand, Const):
            return Const(-operand.value)
        return self.emit("neg", (operand,), {}, name)

    def expr_Compare(self, node: ast.Compare, scope: Scope, name: str | None) -> Value:
        for op in node.ops:
            if type(op) not in COMPARISONS:
                self.fail(
                    node,
                    "only the comparisons <, <=, >, >=, ==, != are supported",
                    "compare numbers or arrays (`in` and `is` have no meaning here)",
                )
        ops = [COMPARISONS[type(op)] for op in node.ops]
        if len(ops) > 1:
            return self.comparison_chain(node, ops, scope, name)
        return self.binary(ops[0], node.left, node.comparators[0], scope, name)

    def expr_Subscript(
        self, node: ast.Subscript, scope: Scope, name: str | None
    ) -> Value:
        trick = INDEX_TRICKS.get(self.module.qualified_name(node.value) or "")
        if trick is not None:  # np.r_[a, b], np.c_[a, b]: sequences.py
            return self.index_trick(node, trick, scope, name)
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            record = self.expr(node.value, scope)
            if isinstance(record, Record):  # d["W"] of a dict the function built
                return self.entry(record, key)
        keyed = indexed_by_string(node)
        if keyed is not None:
            subscript, key = keyed
            self.fail(
                key,
                f"`{self.module.source.segment(subscript)}` is indexed by a string: "
                "a container parameter whose structure is not declared",
                CONTAINER_HINT,
                UndeclaredStructure,
            )
        base = self.expr(node.value, scope)
        if isinstance(base, tuple):  # a tuple or list of values: v[0], v[1:]
            index = self.constant_index(node.slice, scope)
            if isinstance(index, (int, slice)):
                return base[index]
            base = self.as_array(base)  # v[i]: the element of the array numpy makes
        index = self.static_param("index", node.slice, scope)
        return self.emit("getitem", (base,), {"index": index}, name)

    def constant_index(self, node: ast.expr, scope: Scope) -> object:
        """An integer or a slice of integers known when compiling, else None."""
        if isinstance(node, ast.Slice):
            parts = [node.lower, node.upper, node.step]
            values = [
                None if p is None else self.constant_index(p, scope) for p in parts
            ]
            known = all(
                isinstance(v, int) or p is None
                for v, p in zip(values, parts, strict=True)
            )
            return slice(*values) if known else None
        value = self.static_ast(node, scope)
        arithmetic = (ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop)
        if not all(isinstance(n, arithmetic) for n in ast.walk(value)):
            return None
        try:  # `n // 2` with n a constant: numbers and operators only, no names
            index = eval(compile(ast.Expression(value), "<index>", "eval"), {})
        except (ArithmeticError, TypeError, ValueError):
            return None
        return index if isinstance(index, int) else None

    def entry(self, record: Record, key: ast.Constant) -> Value:
        """``d["W"]``: the value a dict literal (or a helper returning one) gave "W"."""
        if key.value not in record.keys:
            self.fail(
                key,
                f"the dict has no key {key.value!r} (keys: {', '.join(record.keys)})",
                "use one of its keys",
            )
        return record.as_dict()[key.value]

    def expr_Attribute(
        self, node: ast.Attribute, scope: Scope, name: str | None
    ) -> Value:
        qualified = self.module.qualified_name(node)
        if qualified is not None:
            if qualified in CONSTANTS:
                return Const(CONSTANTS[qualified])
            if qualified.removeprefix("numpy.") in TYPE_NAMES:  # x.dtype == np.int64
                type_name = qualified.removeprefix("numpy.")
                return self.emit("numpy_type", (), {"name": type_name}, name)
            self.fail(
                node,
                f"`{qualified}` is not a number or array",
                "call it, or use a supported constant (np.pi, np.e, np.inf)",
            )
        if node.attr not in ATTRIBUTES:
            self.refuse_container(node, f"`{ast.unparse(node)}`")
            self.fail(
                node,
                f"the attribute `.{node.attr}` is not supported",
                "use .T, .shape, .ndim or .size",
            )
        operand = self.atom(node.value, scope)
        return self.emit(ATTRIBUTES[node.attr], (operand,), {}, name)

    def refuse_container(self, node: ast.Attribute, what: str) -> None:
        """``params.W``, ``params.get("W")``: a name of the function that no array
        has this attribute of, so it holds something else (a dict, an object)."""
        root = root_name(node)
        if (
            root is None
            or root.id not in self.block.env
            or hasattr(np.ndarray, node.attr)
        ):
            return
        self.fail(
            node,
            f"{what}: an array has no attribute `.{node.attr}`, and containers of "
            "parameters (dicts, objects) are not supported yet",
            CONTAINER_HINT,
        )
