"""A function with a user's derivative rule, as templates: ``CustomFunction``.

``custom.py`` builds one from the ``@adgen.defvjp``/``@adgen.defjvp`` rules it
reads; the sweeps fill its templates.  A template is an expression over
placeholders (``<x0>`` for the first operand, ``<g>`` for the output's adjoint,
``<ans>`` for the output, ``<dot0>`` for the first operand's tangent), with every
other name already spelled as the generated module sees it::

    partials = (<g> * scipy.special.expit(<x0>),)   # softplus' VJP rule
    adjoint(0, g=n5_bar, ans=n5, operands=[x])  ->  n5_bar * scipy.special.expit(x)
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence
from dataclasses import dataclass

from .expr import E

# Placeholders in templates: names no Python source can contain.
G, ANS = "<g>", "<ans>"


def operand(i: int) -> str:
    return f"<x{i}>"


def tangent(i: int) -> str:
    return f"<dot{i}>"


@dataclass(frozen=True, eq=False)
class CustomFunction:
    """A function with a custom rule: how to write its value, adjoints and tangent.

    Templates are expressions over the placeholders above, with every other name
    already spelled as the generated module sees it (``np.exp``, ``scipy.special.erfcx``).
    """

    name: str  # as the user wrote it, shown in dumps and graphs
    arity: int
    keywords: tuple[str, ...]  # parameter names a call may use as keywords
    forward: ast.expr
    partials: tuple[ast.expr | None, ...]  # per operand; None: no gradient
    jvp: ast.expr | None
    elementwise: bool
    definitions: tuple[
        tuple[str, str], ...
    ] = ()  # (name, source) copied into the module
    imports: tuple[str, ...] = ()  # import lines the templates and definitions need
    globals: frozenset[str] = frozenset()  # module-level names they read

    def __repr__(self) -> str:
        return self.name

    def primal(self, operands: Sequence[E]) -> E:
        return fill(self.forward, _operands(operands))

    def adjoint(self, i: int, g: E, ans: E, operands: Sequence[E]) -> E | None:
        partial = self.partials[i]
        if partial is None:
            return None
        return fill(partial, {G: g, ANS: ans, **_operands(operands)})

    def tangent(
        self,
        dots: Sequence[E | None],
        ans: E,
        operands: Sequence[E],
        scalars: bool = False,
    ) -> E | None:
        """The output's tangent given each operand's (None: a constant), or None if unknown.
        Without a JVP rule it comes from the VJP rule, which is right where the Jacobian
        is diagonal: for elementwise functions, and for any function of ``scalars``."""
        values = {ANS: ans, **_operands(operands)}
        if self.jvp is not None:
            values |= {
                tangent(i): E(0.0) if d is None else d for i, d in enumerate(dots)
            }
            return fill(self.jvp, values)
        if not (self.elementwise or scalars):
            return None
        terms = [
            fill(p, {**values, G: d})
            for p, d in zip(self.partials, dots, strict=True)
            if p is not None and d is not None
        ]
        total = terms[0] if terms else E(0.0)
        for term in terms[1:]:
            total = total + term
        return total


def _operands(operands: Sequence[E]) -> dict[str, E]:
    return {operand(i): x for i, x in enumerate(operands)}


def fill(template: ast.expr, values: dict[str, E]) -> E:
    """A copy of ``template`` with its placeholders replaced by ``values``."""

    class Fill(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return copy.deepcopy(values[node.id].node) if node.id in values else node

    return E(Fill().visit(copy.deepcopy(template)))
