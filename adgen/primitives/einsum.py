"""np.einsum: its record, and the subscripts written in one canonical form.

Every call numpy accepts is lowered to one spelling, explicit subscripts
with an output (``canonical``): the implicit output (``"ij,jk"`` ->
``"ij,jk->ik"``) and the sublist form (``np.einsum(a, [0, 1], b, [1, 2])``,
integers as numpy's letters) are rewritten when the call is lowered, so the
rules read one form.  '...' and a letter repeated in one operand (a diagonal,
``"ii->i"``) stay in it: numpy's einsum reads them, and so do the rules.

einsum is multilinear: its tangent is a sum of einsums, one operand replaced by
its tangent in each.  Operand i's adjoint is the einsum of g and the other
operands back to i's letters, each once and with '...' first (``target``);
then summed where numpy broadcast a size-1 axis or fewer '...' axes of this
operand (``unbroadcast``), and put back in the operand's layout: a repeated
letter gets g on the diagonal (np.diagonal's adjoint, once per repeat), '...' moves
back to its place.  Ranks are never needed, so the same rule serves the CLI
without shapes.
"""

from __future__ import annotations

import string
from collections import Counter

from ..expr import E
from .record import Primitive, RuleContext, np, register, runtime

LETTERS = string.ascii_letters
ELLIPSIS = "..."
HINT = "write the subscripts as numpy documents them: 'ij,jk->ik', '...ij->...ji'"


def sublist_letter(label: int) -> str:
    """numpy's letter for an integer of the sublist form: 0-25 'A'-'Z', 26-51 'a'-'z'."""
    return string.ascii_uppercase[label] if label < 26 else LETTERS[label - 26]


def implicit_output(inputs: list[str]) -> str:
    """numpy's output when none is given: '...' if any operand has it, then the
    letters that occur once, in (ASCII) order."""
    counts = Counter("".join(inputs).replace(ELLIPSIS, ""))
    once = "".join(sorted(letter for letter, n in counts.items() if n == 1))
    return (ELLIPSIS if any(ELLIPSIS in term for term in inputs) else "") + once


def canonical(subscripts: str) -> str:
    """``subscripts`` with its output written out: ``"ij,jk"`` -> ``"ij,jk->ik"``."""
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        return subscripts
    return f"{subscripts}->{implicit_output(subscripts.split(','))}"


def parts(subscripts: str) -> tuple[list[str], str]:
    """The operands' subscripts and the output's, of a canonical string."""
    inputs, output = subscripts.split("->")
    return inputs.split(","), output


def refusal(params: dict) -> tuple[str, str] | None:
    """What numpy itself would refuse, refused where the call is written."""
    subscripts = params["subscripts"]
    if subscripts.count("->") != 1:
        return "np.einsum's subscripts have more than one '->'", HINT
    inputs, output = parts(subscripts)
    for term in [*inputs, output]:
        letters = term.replace(ELLIPSIS, "", 1)
        if not all(c in LETTERS for c in letters):
            return (
                f"np.einsum's subscripts `{term}` are not letters and one '...'",
                HINT,
            )
    if len(set(output.replace(ELLIPSIS, ""))) != len(output.replace(ELLIPSIS, "")):
        return "np.einsum's output has a letter twice", HINT
    if not set(output) <= set("".join(inputs)):
        return "np.einsum's output has a letter no operand has", HINT
    return None


def _unique(term: str) -> str:
    """The letters of ``term`` once each, in order, '...' first where it has one."""
    letters = "".join(dict.fromkeys(term.replace(ELLIPSIS, "")))
    return (ELLIPSIS if ELLIPSIS in term else "") + letters


def _axis(term: str, position: int) -> int:
    """The axis of the letter at ``position`` in ``term``: counted from the end
    after '...', whose length the subscripts do not tell."""
    if ELLIPSIS in term and position > term.index(ELLIPSIS):
        return position - len(term)
    return position


def _repeat(term: str) -> tuple[int, int] | None:
    """The positions in ``term`` of the first letter it has twice."""
    for q, c in enumerate(term):
        if c != "." and term.index(c) != q:
            return term.index(c), q
    return None


def _to_layout(adjoint: E, target: str, term: str, x: E) -> E:
    """``adjoint``, in ``target``'s layout, put in ``term``'s (x's): a repeated
    letter's values on the diagonal, as np.diagonal's adjoint puts them (its
    diagonal axis last), one repeat at a time; then the letters in order."""
    pair = _repeat(term)
    if pair is None:
        return adjoint if target == term else np.einsum(f"{target}->{term}", adjoint)
    p, q = pair
    axes = (_axis(term, p), _axis(term, q))
    inner = term[:p] + term[p + 1 : q] + term[q + 1 :] + term[p]
    diagonal = np.diagonal(x, 0, *axes)
    return runtime.diagonal_adjoint(
        _to_layout(adjoint, target, inner, diagonal), x, 0, *axes
    )


def _adjoint(g: E, ans: E, i: int, xs: tuple[E, ...], ctx: RuleContext) -> E:
    inputs, output = parts(ctx.subscripts)
    term, others = inputs[i], [k for k in range(len(xs)) if k != i]
    target = _unique(term)
    specs, operands = [output, *(inputs[k] for k in others)], [
        g,
        *(xs[k] for k in others),
    ]
    if not set(target) <= set("".join(specs)):  # letters only x has: summed
        specs, operands = [*specs, term], [*operands, np.ones_like(xs[i])]
    adjoint = np.einsum(f"{','.join(specs)}->{target}", *operands)
    if len(xs) > 1:  # a size-1 axis, or fewer '...' axes, numpy broadcast
        like = xs[i] if target == term else np.einsum(f"{term}->{target}", xs[i])
        adjoint = runtime.unbroadcast(adjoint, like)
    return _to_layout(adjoint, target, term, xs[i])


register(
    Primitive(
        "einsum",
        lambda *xs, subscripts: np.einsum(subscripts, *xs),
        ("*",),
        {"subscripts": None},
        calls=("numpy.einsum",),
        vjp=(_adjoint,),
        # multilinear, not linear in all operands together: one term per tangent
        tangent="jvp",
        jvp=(
            lambda t, ans, i, xs, ctx: np.einsum(
                ctx.subscripts, *(t if k == i else x for k, x in enumerate(xs))
            ),
        ),
        refuse=refusal,
        array_api=None,  # the standard has no einsum
    )
)
