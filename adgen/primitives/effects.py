"""Statements kept for what they do, not for a value: ``print(...)`` and ``assert``.

Neither computes a value the output reads, so neither has a derivative.  The
graph keeps them alive (``graph.effects``) and the sweeps write them where the
model ran them, in the forward sweep only: ``print`` prints once per forward
pass (in ``forward_f``, ``grad_f``, ``jvp_f``; never in ``backward_f``), and
``assert`` raises where the model would.  The equation's ``out`` names nothing
the code reads: ``primal_statement`` writes the bare statement.
"""

from __future__ import annotations

from typing import Any

from ..expr import E
from .record import Primitive, register
from .shape_ops import builtin


def _print(*values: E, sep: str | None = None, end: str | None = None) -> E:
    keywords: dict[str, Any] = {
        k: v for k, v in (("sep", sep), ("end", end)) if v is not None
    }
    return E(builtin("print")).call(*values, **keywords)


register(
    Primitive(
        "print",
        _print,
        ("*",),
        statics={"sep": None, "end": None},
        calls=("builtins.print",),
        effect="print",
    )
)
register(  # the test; the message is a literal string (static)
    Primitive(
        "assert",
        lambda test, message=None: test,
        ("test",),
        statics={"message": None},
        effect="assert",
    )
)
