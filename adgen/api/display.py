"""What a notebook shows: the generated code and the computation graph, inline.

    adgen.source(f)                           # a Code: displays as highlighted Python
    adgen.graph(f, at={"x1": 2, "x2": 5})     # a GraphPicture: the lecture's drawing, as SVG

Both read ``f``'s source as the other entry points do (``reading``), compile in
memory, and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..errors import SourceFile
from ..notebook import Code, GraphPicture, annotated
from ..pipeline import run
from ..trace import require_straight_line
from .cache import generate, source_text
from .parameters import Wrt, wants_aux, wrt_names


def source(
    f: Callable, wrt: Wrt | None = None, mode: str = "reverse", has_aux: bool = False
) -> Code:
    """The gradient code adgen writes for ``f``, as ``adgen compile --mode MODE``
    would: a ``str`` that a notebook displays as highlighted Python."""
    names, _ = wrt_names(f, wrt)
    return Code(generate(f, names, mode, wants_aux(f, has_aux))[0])


def graph(
    f: Callable,
    wrt: str | Sequence[str] | None = None,
    at: Mapping[str, float] | None = None,
    seed: str | None = None,
    digits: int = 3,
) -> GraphPicture:
    """The computation graph of straight-line ``f``, drawn as ``adgen graph``
    draws it; with ``at``, each node is labelled ``v_i``, value, tangent for
    ``seed_dot = 1`` (default: the first parameter) and adjoint, as ``adgen
    graph --at`` labels it. ``wrt`` (names) marks which nodes are active
    (default: ``@adgen.wrt``, else every parameter)."""
    path, text = source_text(f)
    names = [wrt] if isinstance(wrt, str) else None if wrt is None else list(wrt)
    stages = run(SourceFile(path, text), [f.__name__], names)
    drawn = stages.graphs[0]
    require_straight_line(stages.module, drawn, "`adgen.graph`")
    if at is None:
        return GraphPicture(drawn)
    return annotated(drawn, stages.backwards[0], at, seed, digits)
