"""Matching a call's arguments to the callee's parameters: one binder for every callee.

A ``Signature`` says what a callee takes (its parameters in positional order,
which of them must be given, which may be given by keyword) and how its
errors are worded.  Primitives (``np.sum(x, axis=0)``), variadic primitives
(``np.stack([a, b], axis=1)``) and inlined helpers all bind through
``bind_arguments``; a user's custom rule could too, with a ``Wording`` of its
own (custom.py still has its own matcher, for operands by position).

The binder only matches syntax: it returns parameter -> argument expression,
and lowering the expressions is the caller's job (in the callee's order).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..errors import UnsupportedSyntax
from ..parse import Module


@dataclass(frozen=True)
class Wording:
    """(message, hint) templates of a callee's three argument errors.

    Fields: {callee}, {count} parameters, {given} positional arguments,
    {keyword}, {missing}, {parameters} and {keywords} (comma-separated)."""

    too_many: tuple[str, str]
    bad_keyword: tuple[str, str]
    missing: tuple[str, str]


PRIMITIVE = Wording(
    too_many=("too many arguments for `{callee}`", "{callee} takes: {parameters}"),
    bad_keyword=(
        "unsupported or repeated keyword argument `{keyword}=`",
        "{callee} takes: {keywords}",
    ),
    missing=("missing argument `{missing}` for `{callee}`", "pass every operand"),
)
HELPER = Wording(
    too_many=(
        "`{callee}` takes {count} arguments, {given} given",
        "match the definition",
    ),
    bad_keyword=(
        "`{callee}` has no parameter `{keyword}` (or it is given twice)",
        "match the definition",
    ),
    missing=(
        "missing argument `{missing}` in the call to `{callee}`",
        "pass every parameter",
    ),
)


@dataclass(frozen=True)
class Signature:
    """What a callee takes."""

    callee: str  # as messages name it
    parameters: tuple[str, ...]  # in positional order
    required: tuple[str, ...]  # the ones without a default
    wording: Wording
    keywords: tuple[str, ...] | None = None  # may be given by keyword; None: all

    def accepts_keyword(self, name: str | None) -> bool:
        return name in (self.parameters if self.keywords is None else self.keywords)


def bind_arguments(
    module: Module, node: ast.Call, signature: Signature, args: list[ast.expr]
) -> dict[str, ast.expr]:
    """parameter -> the expression ``node`` passes it (``args`` are its positional
    arguments, a method's receiver first); refuses what Python would refuse."""
    if len(args) > len(signature.parameters):
        _refuse(module, node, signature, signature.wording.too_many, len(args))
    given = dict(zip(signature.parameters, args, strict=False))
    for k in node.keywords:
        if not signature.accepts_keyword(k.arg) or k.arg in given:
            _refuse(module, k, signature, signature.wording.bad_keyword, keyword=k.arg)
        given[k.arg] = k.value  # type: ignore[index]
    missing = [p for p in signature.required if p not in given]
    if missing:
        _refuse(module, node, signature, signature.wording.missing, missing=missing[0])
    return given


def _refuse(
    module: Module,
    node: ast.AST,
    signature: Signature,
    wording: tuple[str, str],
    given: int = 0,
    **fields: str | None,
) -> None:
    keywords = (
        signature.parameters if signature.keywords is None else signature.keywords
    )
    values = {
        "callee": signature.callee,
        "count": len(signature.parameters),
        "given": given,
        "parameters": ", ".join(signature.parameters),
        "keywords": ", ".join(keywords),
        **fields,
    }
    message, hint = (template.format(**values) for template in wording)
    raise UnsupportedSyntax(message, module.location(node), hint)
