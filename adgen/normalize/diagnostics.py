"""The wording of normalize's refusals that need some reading of the source:
an unknown function (did you mean...?), a bitwise negation, a container of parameters.
"""

from __future__ import annotations

import ast
import difflib
import importlib
from typing import Any

from ..errors import UnknownFunction
from ..primitives import FUNCTIONS

CONTAINER_HINT = (
    'declare the container\'s structure, `@adgen.shapes(params={"W": "3 2"})` '
    "(or adgen compile --like 'params={W:f64[3,2]}'; the runtime API reads it from "
    "the arguments), or pass the arrays as separate parameters, `def loss(W, b, x)`"
)
OPPOSITE_COMPARISONS = {
    ast.Gt: ast.LtE,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
OPERATOR_SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
# Libraries adgen depends on: looking a name up in them at compile time imports
# nothing of the user's and runs no model code.
KNOWN_LIBRARIES = ("numpy", "math", "scipy")
# Functions people expect numpy to have, and what to write instead.
WELL_KNOWN_ELSEWHERE = {
    "sigmoid": "scipy.special.expit",
    "expit": "scipy.special.expit",
}


def op_symbol(node: ast.BinOp | ast.AugAssign) -> str:
    return OPERATOR_SYMBOLS.get(type(node.op), "?")


def negation_hint(node: ast.UnaryOp) -> str:
    """What to write instead of ``~c``: ``~`` has no rule, but a negation is never
    needed: swap what np.where chooses between, or, for a comparison, write the
    opposite one."""
    negated = ast.unparse(node.operand)
    swap = f"swap np.where's last two arguments: `np.where({negated}, b, a)` for `np.where(~({negated}), a, b)`"
    test = node.operand
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        flipped = ast.Compare(
            test.left, [OPPOSITE_COMPARISONS[type(test.ops[0])]()], test.comparators
        )
        return f"{swap}, or write the opposite comparison `{ast.unparse(flipped)}` (it differs only where a value is nan)"
    return swap


def indexed_by_string(
    node: ast.Subscript,
) -> tuple[ast.Subscript, ast.Constant] | None:
    """The innermost subscript in ``node`` with a string in its index, and the string."""
    found = None
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript):
            for key in ast.walk(sub.slice):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found = (sub, key)
                    break
    return found


def root_name(func: ast.expr) -> ast.Name | None:
    """``np`` in ``np.linalg.norm``; None unless ``func`` is an attribute chain on a name."""
    if not isinstance(func, ast.Attribute):
        return None
    while isinstance(func, ast.Attribute):
        func = func.value
    return func if isinstance(func, ast.Name) else None


def unknown_function(func: ast.expr, qualified: str, where: Any) -> UnknownFunction:
    """A call of ``qualified`` that has no rule: say so, or, where the library
    has no such function at all (``np.sigmoid``), say that instead."""
    missing = _missing_from_library(qualified)
    if missing is None:
        return UnknownFunction(
            f"{_spelled(func, qualified)} has no derivative rule", where
        )
    owner, name = missing
    supported = {
        f.rsplit(".", 1)[-1]: f for f in FUNCTIONS if f.startswith(owner + ".")
    }
    similar = difflib.get_close_matches(name, supported, n=1, cutoff=0.75)
    instead = WELL_KNOWN_ELSEWHERE.get(name) or (
        supported[similar[0]] if similar else None
    )
    hint = "check the spelling; the functions adgen differentiates are listed in README, 'Supported language'"
    if instead is not None:
        hint = f"did you mean `{instead}`? ({hint})"
    return UnknownFunction(
        f"{_spelled(func, qualified)}: {owner} has no function `{name}`", where, hint
    )


def _missing_from_library(qualified: str) -> tuple[str, str] | None:
    """(``numpy``, ``sigmoid``) for ``numpy.sigmoid``: the real library module, and
    the part of ``qualified`` it lacks; None if it has it, or if it is not a library
    adgen depends on."""
    parts = qualified.split(".")
    if parts[0] not in KNOWN_LIBRARIES:
        return None
    found: Any = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        if hasattr(found, part):
            found = getattr(found, part)
            continue
        try:  # a submodule not imported yet, e.g. scipy.special
            found = importlib.import_module(".".join(parts[: i + 1]))
        except ImportError:
            return ".".join(parts[:i]), ".".join(parts[i:])
    return None


def _spelled(func: ast.expr, qualified: str) -> str:
    """``np.fft.fft (numpy.fft.fft)``: the user's spelling, and what it resolved to."""
    written = ast.unparse(func)
    return f"`{written}`" if written == qualified else f"`{written}` (`{qualified}`)"
