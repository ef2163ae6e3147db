"""Part of stage 2, check: the expression statements and ``assert``s adgen keeps.

A model's ``print(...)`` and ``assert`` are kept, in the forward sweep
(``normalize/effects.py``); a docstring is skipped.  Every other expression
statement is refused here, located: a call whose result is discarded either
does nothing adgen must reproduce (``np.sum(x)`` alone) or changes something
adgen cannot follow (``xs.append(v)``, ``tangent.push(stack, x)``,
``np.random.seed(0)``).
"""

from __future__ import annotations

import ast

from .errors import MutationNotSupported, UnsupportedSyntax
from .parsed import Module

# print's keywords adgen keeps (literal strings); file= and flush= are refused
PRINT_KEYWORDS = ("sep", "end")
# methods that change the object they are called on (lists, dicts, sets, arrays)
MUTATING_METHODS = (
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "clear",
    "update",
    "sort",
    "reverse",
    "fill",
    "resize",
    "setdefault",
    "add",
    "discard",
)


def check_expression_statement(
    module: Module, stmt: ast.Expr, is_docstring: bool
) -> None:
    """Accept a docstring or a ``print(...)`` call; refuse the rest, located."""
    value = stmt.value
    if is_docstring:
        return
    if _is_print(module, value):
        _check_print(module, value)  # type: ignore[arg-type]
        return
    where = module.location(stmt)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        method, owner = value.func.attr, ast.unparse(value.func.value)
        if method in MUTATING_METHODS and module.qualified_name(value.func) is None:
            raise MutationNotSupported(
                f"`{owner}.{method}(...)` changes `{owner}` in place: adgen cannot "
                "follow the change",
                where,
                "build the value at once: `ys = [f(x) for x in xs]`, "
                "`np.stack([...])`, or a new name for each value",
            )
    if isinstance(value, ast.Call):
        raise UnsupportedSyntax(
            f"the result of `{ast.unparse(value.func)}(...)` is discarded: adgen keeps "
            "only print(...) for its effect, and cannot see what this call changes",
            where,
            "assign the result and use it, or remove the call",
        )
    raise UnsupportedSyntax(
        "an expression statement has no effect on the result",
        where,
        "remove it (print(...) calls are kept)",
    )


def _is_print(module: Module, value: ast.expr) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "print"
        and "print" not in module.functions
        and "print" not in module.imports
        and "print" not in module.constants
        and "print" not in module.variables
    )


def _check_print(module: Module, call: ast.Call) -> None:
    for k in call.keywords:
        literal = isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
        if k.arg not in PRINT_KEYWORDS or not literal:
            raise UnsupportedSyntax(
                f"print's `{k.arg}=` is not supported here",
                module.location(k.value),
                "print with sep= and end= given literal strings, or no keywords",
            )


def check_assert(module: Module, stmt: ast.Assert) -> None:
    """``assert test`` or ``assert test, "a literal message"``."""
    message = stmt.msg
    if message is not None and not (
        isinstance(message, ast.Constant) and isinstance(message.value, str)
    ):
        raise UnsupportedSyntax(
            "an assert's message must be a literal string here",
            module.location(message),
            'write `assert x.shape[0] == 3, "x needs 3 rows"`',
        )
