"""Calls: a primitive becomes one equation, a helper of the file is inlined.

``np.sum(x, axis=0)`` and ``x.sum(0)`` both become ``sum(x, axis=0)``: the
arguments are bound to the primitive's operands (atoms) and static
parameters by ``binder.py``.  A function with a user rule (``@defvjp``) is
one ``custom`` equation.  A helper's body is lowered in place, in a scope of
its own: its parameters bound to the caller's values, its locals renamed.
"""

from __future__ import annotations

import ast
from typing import Any

from ..custom import call_operands, rule_for
from ..errors import UnknownFunction, UnresolvedName
from ..ir import Atom, Const
from ..primitives import FUNCTIONS, MATH_SPELLING, METHODS, PRIMITIVES, einsum
from ..primitives.factorizations import PAIRS
from ..primitives.stacking import JOINS, SPLITS
from ..structures import Record
from .binder import HELPER, PRIMITIVE, Signature, bind_arguments
from .diagnostics import root_name, unknown_function
from .scope import Scope, Value
from .signature import parameter_defaults, parameter_names

BUILTINS = {"abs", "max", "min", "len", "int", "float"}
# np.array(v) and np.asarray(v): the array numpy makes of a list of values
ARRAY_CONSTRUCTORS = ("numpy.array", "numpy.asarray")
# the functions of a sequence of arrays (of a list, or of an array's rows), and
# the splits, which return a list (normalize/sequences.py)
SEQUENCE_JOINS = {**JOINS, "numpy.concatenate": "concatenate", "numpy.stack": "stack"}
SPLIT_CALLS = {f"numpy.{s}": s for s in SPLITS}


class Calls:
    """The lowerer's calls: custom rules, helpers, numpy functions and methods."""

    def expr_Call(self, node: ast.Call, scope: Scope, name: str | None) -> Value:
        func = node.func
        rule = rule_for(self.module, func, self.block.env)
        if rule is not None:  # a function with its own derivative rule: one node
            operands = call_operands(self.module, node, rule)
            atoms = tuple(self.atom(a, scope) for a in operands)
            return self.emit("custom", atoms, {"rule": rule}, name)
        if (
            isinstance(func, ast.Name)
            and func.id in self.module.functions
            and func.id not in self.block.env
        ):
            if func.id in self.module.variables:  # rebound: which one runs is unknown
                raise self.module_variable(func)
            return self.inline(node, self.module.functions[func.id], scope, name)
        if (
            isinstance(func, ast.Name)
            and func.id == "sum"
            and func.id not in self.block.env
            and func.id not in self.module.imports
        ):
            return self.builtin_sum(node, scope, name)
        if (
            isinstance(func, ast.Name)
            and func.id == "dict"
            and func.id not in self.block.env
            and func.id not in self.module.imports
        ):
            return self.dict_call(node, scope)
        qualified = self.module.qualified_name(func)
        if (
            qualified is None
            and isinstance(func, ast.Name)
            and func.id in BUILTINS
            and func.id not in self.block.env
        ):
            qualified = f"builtins.{func.id}"
        if qualified in ARRAY_CONSTRUCTORS:
            return self.array_call(node, qualified, scope, name)
        if qualified in PAIRS:  # np.linalg.slogdet(x): (sign, logdet), two nodes
            return tuple(
                self.call(node, part, None, scope, None, "numpy")
                for part in PAIRS[qualified]
            )
        if qualified in SEQUENCE_JOINS:  # sequences.py
            return self.join_call(node, SEQUENCE_JOINS[qualified], scope, name)
        if qualified in SPLIT_CALLS:
            return self.split_call(node, SPLIT_CALLS[qualified], scope)
        if qualified is not None:
            if qualified not in FUNCTIONS:
                raise unknown_function(func, qualified, self.module.location(node))
            library = qualified.split(".")[0]
            return self.call(node, FUNCTIONS[qualified], None, scope, name, library)
        return self.method_call(node, scope, name)

    def dict_call(self, node: ast.Call, scope: Scope) -> Value:
        """``dict(a=a, b=b)``: the dict literal ``{"a": a, "b": b}``, a structure."""
        if node.args or any(k.arg is None for k in node.keywords):
            self.fail(
                node,
                "dict(...) is followed only with keyword arguments",
                'write dict(W=W, b=b), or the literal {"W": W, "b": b}',
            )
        keys = tuple(k.arg for k in node.keywords)  # type: ignore[misc]
        return Record(keys, tuple(self.element(k.value, scope) for k in node.keywords))

    def array_call(
        self, node: ast.Call, qualified: str, scope: Scope, name: str | None
    ) -> Atom:
        """``np.array([a, b])``: the elements stacked (``a_bar = n_bar[0]``);
        ``np.array(x)`` of an array is ``x`` (a copy, and adgen never writes in place).
        """
        spelled = ast.unparse(node.func)
        if len(node.args) != 1 or node.keywords:
            self.fail(
                node,
                f"{spelled} takes one argument here (no dtype or other keywords)",
                f"write {spelled}([a, b, c]), and convert dtypes outside the function",
            )
        return self.array_operand(node.args[0], scope, name)

    def method_call(self, node: ast.Call, scope: Scope, name: str | None) -> Atom:
        """``x.sum(0)``; or the refusal of a call that resolves to nothing known."""
        func = node.func
        root = root_name(func)
        if (
            root is not None
            and root.id not in self.block.env
            and root.id not in self.module.imports
        ):
            raise UnresolvedName(
                f"`{root.id}` is not defined: nothing imports it",
                self.module.location(root),
                hint="import it at the top of the file, e.g. `import numpy as np`",
            )
        if isinstance(func, ast.Attribute) and func.attr in METHODS:
            return self.call(
                node, METHODS[func.attr], func.value, scope, name, "method"
            )
        if isinstance(func, ast.Attribute):
            self.refuse_container(func, f"`{ast.unparse(func)}(...)`")
        if isinstance(func, ast.Name):
            raise UnresolvedName(
                f"cannot resolve the function `{func.id}` statically",
                self.module.location(node),
                hint="define it at the top of this file, or import it from numpy/math/scipy.special",
            )
        raise UnknownFunction(
            f"`{ast.unparse(func)}` has no derivative rule", self.module.location(node)
        )

    def call(
        self,
        node: ast.Call,
        prim_name: str,
        receiver: ast.expr | None,
        scope: Scope,
        name: str | None,
        lib: str,
    ) -> Atom:
        """A call of a primitive: bind arguments to its operands and static parameters."""
        prim = PRIMITIVES[prim_name]
        args = list(node.args)
        if (
            receiver is not None
        ):  # x.sum(0) is np.sum(x, 0); x.reshape(2, 3) is np.reshape(x, (2, 3))
            args.insert(0, receiver)
            if prim_name in ("reshape", "transpose") and len(args) > 2:
                args = [args[0], ast.Tuple(args[1:], ast.Load())]
        operands, statics = self.primitive_arguments(node, prim, args, scope)
        refusal = prim.refuse(statics) if prim.refuse is not None else None
        if refusal is not None:
            self.fail(node, *refusal)
        params = dict(statics)
        if lib == "math" and prim_name in MATH_SPELLING:
            params["lib"] = "math"
        if lib == "builtins" and prim_name in ("maximum", "minimum", "abs"):
            params["lib"] = "builtins"
        return self.emit(prim_name, tuple(operands), params, name)

    def primitive_arguments(
        self, node: ast.Call, prim: Any, args: list[ast.expr], scope: Scope
    ) -> tuple[list[Atom], dict[str, Any]]:
        """Match a call's arguments to ``prim``'s operands and static parameters, numpy-style."""
        if prim.operands == ("*",):
            return self.variadic_arguments(node, prim, args, scope)
        signature = Signature(
            prim.name, (*prim.operands, *prim.statics), tuple(prim.operands), PRIMITIVE
        )
        given = bind_arguments(self.module, node, signature, args)
        operands = [
            (
                Const(prim.none_means[o])
                if _is_none(given[o]) and o in prim.none_means
                else self.array_operand(given[o], scope)
            )
            for o in prim.operands
        ]
        statics = {
            s: self.static_param(s, given[s], scope) if s in given else default
            for s, default in prim.statics.items()
        }
        return operands, statics

    def variadic_arguments(
        self, node: ast.Call, prim: Any, args: list[ast.expr], scope: Scope
    ) -> tuple[list[Atom], dict[str, Any]]:
        """``np.concatenate([a, b], axis)``, ``np.stack``; ``np.arange(a, b, step)``."""
        if prim.name == "arange":
            if node.keywords:
                self.fail(
                    node,
                    "np.arange takes positional arguments here",
                    "write np.arange(start, stop, step)",
                )
            return [self.atom(a, scope) for a in args], {}
        if prim.name == "einsum":
            return self.einsum_arguments(node, args, scope)
        if prim.name == "select":
            return self.select_arguments(node, args, scope)
        arrays = self.expr(args[0], scope) if args else None
        if not isinstance(arrays, tuple) or len(args) > 2:
            self.fail(
                node,
                f"np.{prim.name} needs a list of arrays (a literal, or a name bound to one)",
                f"write np.{prim.name}([a, b], axis=0)",
            )
        signature = Signature(
            f"np.{prim.name}", ("arrays", "axis"), (), PRIMITIVE, keywords=("axis",)
        )
        given = bind_arguments(self.module, node, signature, args)
        axis = self.static_param("axis", given["axis"], scope) if "axis" in given else 0
        return [self.as_array(v) for v in arrays], {"axis": axis}

    def einsum_arguments(
        self, node: ast.Call, args: list[ast.expr], scope: Scope
    ) -> tuple[list[Atom], dict[str, Any]]:
        """``np.einsum("ij,jk->ik", a, b)``, or the sublist form ``np.einsum(a, [0, 1],
        b, [1, 2])``: the operands, and the subscripts in einsum.canonical form."""
        first = args[0] if args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            subscripts, operands = first.value, args[1:]
        elif len(args) > 1 and isinstance(args[1], ast.List | ast.Tuple):
            subscripts = self.einsum_sublists(node, args)
            operands = args[: len(args) // 2 * 2 : 2]
        else:
            subscripts, operands = "", []
        if node.keywords or subscripts.count(",") + 1 != len(operands):
            self.fail(
                node,
                "np.einsum takes a literal subscripts string and one operand per term here",
                "write np.einsum('ij,jk->ik', a, b) or np.einsum(a, [0, 1], b, [1, 2])",
            )
        atoms = [self.atom(a, scope) for a in operands]
        return atoms, {"subscripts": einsum.canonical(subscripts)}

    def select_arguments(
        self, node: ast.Call, args: list[ast.expr], scope: Scope
    ) -> tuple[list[Atom], dict[str, Any]]:
        """``np.select([c1, c2], [a, b], default)``: the conditions, the choices, the
        default (0 when not given) as operands."""
        signature = Signature(
            "np.select",
            ("condlist", "choicelist", "default"),
            ("condlist", "choicelist"),
            PRIMITIVE,
        )
        given = bind_arguments(self.module, node, signature, args)
        conditions = self.expr(given["condlist"], scope)
        choices = self.expr(given["choicelist"], scope)
        if not (isinstance(conditions, tuple) and isinstance(choices, tuple)) or len(
            conditions
        ) != len(choices):
            self.fail(
                node,
                "np.select needs two lists of the same length (literals, or names bound to them)",
                "write np.select([x > 0, x < -1], [a, b], default)",
            )
        default = self.atom(given["default"], scope) if "default" in given else Const(0)
        operands = [self.as_array(v) for v in (*conditions, *choices)]
        return [*operands, default], {"n": len(conditions)}

    def einsum_sublists(self, node: ast.Call, args: list[ast.expr]) -> str:
        """The subscripts string of ``np.einsum(a, [0, 1], b, [1, 2], [0, 2])``."""
        terms = []
        for sublist in [*args[1::2], *([args[-1]] if len(args) % 2 else [])]:
            try:
                labels = ast.literal_eval(
                    ast.unparse(sublist).replace("Ellipsis", "...")
                )
                terms.append("".join(_einsum_label(label) for label in labels))
            except (ValueError, TypeError, SyntaxError, IndexError):
                self.fail(
                    sublist,
                    "np.einsum's sublists must be literal lists of integers 0-51 and `...`",
                    "write np.einsum(a, [0, 1], b, [1, 2], [0, 2])",
                )
        inputs = ",".join(terms[: len(args) // 2])
        return f"{inputs}->{terms[-1]}" if len(args) % 2 else inputs

    def inline(
        self, node: ast.Call, helper: ast.FunctionDef, scope: Scope, name: str | None
    ) -> Value:
        """Inline a call to a helper of this file: bind its parameters, normalize its body."""
        params = parameter_names(helper)
        defaults = parameter_defaults(self.module, helper)
        required = tuple(p for p in params if p not in defaults)
        signature = Signature(helper.name, tuple(params), required, HELPER)
        bound = bind_arguments(self.module, node, signature, list(node.args))
        values = {
            p: self.expr(bound[p], scope) if p in bound else defaults[p] for p in params
        }
        own = Scope(
            helper=helper.name,
            return_name=name,
            helper_params=dict(values),
            loops=scope.loops,
        )
        # the helper sees only its parameters; the caller's statement goes on after it
        caller_env, caller_origin = self.block.env, self.origin
        self.block.env = values
        result = self.body(helper.body, own)
        self.block.env, self.origin = caller_env, caller_origin
        return result


def _einsum_label(label: object) -> str:
    """A sublist label as a subscripts letter (numpy's); ``...`` as itself."""
    if label is Ellipsis:
        return "..."
    if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < 52:
        raise ValueError(label)
    return einsum.sublist_letter(label)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
