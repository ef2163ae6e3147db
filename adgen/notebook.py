"""What the runtime API shows in a notebook: generated code and graphs, inline.

``adgen.source(f)`` returns a ``Code``: a ``str`` (print it, write it, compare
it) that Jupyter and VS Code display as highlighted Python instead of one
escaped string.  ``adgen.graph(f)`` returns a ``GraphPicture``: the lecture-
style drawing of ``adgen graph``, shown inline as SVG, optionally labelled with
each node's value, tangent and adjoint at a point (``at={"x1": 2, "x2": 5}``).
Nothing here runs unless a notebook asks for a representation.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from .graph import Graph
from .reverse import Backward


class Code(str):
    """Generated Python source that displays as a highlighted code block."""

    __slots__ = ()

    def _repr_markdown_(self) -> str:
        fence = "````" if "```" in self else "```"
        return f"{fence}python\n{self}\n{fence}"


@dataclass(frozen=True)
class GraphPicture:
    """The computation graph of one function, drawn inline in a notebook.

    ``notes`` label the nodes as ``adgen graph --at`` does (see ``annotated``);
    ``dot()`` is the Graphviz text, ``save(path)`` writes any format ``adgen
    graph -o`` writes."""

    graph: Graph
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    subtitle: str | None = None

    def _repr_svg_(self) -> str:
        from .draw import draw

        figure = draw(self.graph, self.notes, self.subtitle)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None}, facecolor="white")
        return out.getvalue()

    def dot(self) -> str:
        from .draw import to_dot

        return to_dot(self.graph, self.notes)

    def save(self, path: str) -> None:
        from .draw import render

        render(self.graph, path, self.notes, self.subtitle)


def annotated(
    graph: Graph,
    backward: Backward,
    at: Mapping[str, float],
    seed: str | None = None,
    digits: int = 3,
) -> GraphPicture:
    """The picture of ``graph`` with each node's ``v_i``, value, tangent for
    ``seed_dot = 1`` (default: the first parameter) and adjoint at ``at``."""
    from .trace import annotations, number

    seed = seed or graph.fn.params[0]
    point = {k: float(v) for k, v in at.items()}
    notes = {}
    for name, row in annotations(graph, backward, point, seed).items():
        lines = [f"v{row.number}", f"{name} = {number(row.value, digits)}"]
        lines.append(f"{name}_dot = {number(row.tangent, digits)}")
        if row.adjoint is not None:
            lines.append(f"{name}_bar = {number(row.adjoint, digits)}")
        notes[name] = tuple(lines)
    where = ", ".join(f"{k}={number(v, digits)}" for k, v in point.items())
    return GraphPicture(
        graph, notes, f"at {where};  _dot: tangent for {seed}_dot = 1;  _bar: adjoint"
    )
