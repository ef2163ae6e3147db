"""Pictures of a computation graph: Graphviz DOT text, or PNG/SVG/PDF drawn with matplotlib.

The picture reads like the lecture's drawings: one leaf (an ellipse) per input,
one node per operation labelled with its name and its type on two lines
(``n4`` over ``mul``), arrows in the direction of data flow, and the output
framed twice.  Names are the emitted code's names (``x1``, ``n3``, ``h1``).
Constant operands are folded into the type line (``maximum(·, 0)``); static
parameters that differ from their defaults make a third line
(``axis=1, keepdims=True``), and names read only through them (a shape, an
index) feed the node with a dashed arrow.  Grey marks the inactive part of the
graph: the variables that get no adjoint.

``render`` lays the graph out in layers, left to right, like Graphviz's ``dot``
(Sugiyama's method): an operation sits one layer after its latest operand, an
input just before its first use; long arrows pass between the nodes of the
layers they cross; barycentre sweeps order each layer, and the rows are placed
so that arrows run as straight as the spacing allows.  Only matplotlib is
needed, no Graphviz binary.
"""

from __future__ import annotations

import ast
import contextlib
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from .errors import InputFileError, Location
from .graph import Graph
from .ir import Const, Eqn
from .primitives import PRIMITIVES

FORMATS = (".dot", ".png", ".svg", ".pdf")
CONST_OUTPUT = "return"  # the node id of a constant output: never a variable name

# Geometry, in inches (the axes are laid out so that one data unit is one inch).
FONT = "DejaVu Sans Mono"  # ships with matplotlib; monospace makes label widths exact
NAME_PT, OP_PT = 11.0, 9.0  # the name line, and the type and parameter lines
CHAR_EM, LINE_EM = 0.61, 1.3  # monospace advance and line height, in em
PAD_X, PAD_Y = 0.12, 0.08  # text to box border
RING = 0.05  # gap between the two borders of the output node
ROW_GAP, DUMMY_GAP = 0.28, 0.12  # between boxes in a layer; beside a passing arrow
COL_GAP = 0.8  # between layers
MARGIN, TITLE_H, CAPTION_H = 0.25, 0.8, 0.3
MIN_WIDTH = 5.2  # so that the caption fits
MAX_PIXELS = 16000  # the longer side of a raster picture
SWEEPS = 8  # barycentre ordering sweeps, and as many row-placement sweeps

# Colours: (border, fill, text).
INPUT_COLORS = ("#2e7d32", "#e8f5e9", "#1b1b1b")
OP_COLORS = ("#1f5f9f", "#e3eefa", "#1b1b1b")
OUTPUT_COLORS = ("#b35900", "#fdebd3", "#1b1b1b")
INACTIVE_COLORS = ("#9e9e9e", "#f4f4f4", "#7a7a7a")
EDGE_COLOR, INACTIVE_EDGE_COLOR = "#3c3c3c", "#b0b0b0"


# --- what the picture shows --------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One vertex of the picture: an input leaf or an operation."""

    name: str
    lines: tuple[str, ...]  # the label, one entry per line
    leaf: bool
    active: bool
    output: bool = False


@dataclass(frozen=True)
class Edge:
    """Data flowing from ``src`` into ``dst``; ``static`` if read by a static parameter."""

    src: str
    dst: str
    static: bool = False


def graph_nodes(graph: Graph) -> list[Node]:
    """The inputs, then one node per live equation, in evaluation order."""
    out = graph.fn.output
    defined = {*graph.fn.params, *(e.out for e in graph.eqns)}
    free = [v for e in graph.eqns for v in e.variables() if v not in defined]
    leaves = list(dict.fromkeys([*graph.fn.params, *free]))
    nodes = [Node(p, (p,), True, p in graph.active, p == out) for p in leaves]
    nodes += [
        Node(e.out, eqn_label(e), False, e.out in graph.active, e.out == out)
        for e in graph.eqns
    ]
    if isinstance(out, Const):
        nodes.append(
            Node(CONST_OUTPUT, ("output", _short(str(out))), False, False, True)
        )
    return nodes


def annotate(nodes: list[Node], notes: Mapping[str, tuple[str, ...]]) -> list[Node]:
    """Nodes with ``notes[name]`` as their label's first line's prefix and extra lines:
    the annotated graph puts the lecture's ``v_i`` before each name and the node's
    value, tangent and adjoint under its type."""
    return [
        (
            replace(
                n,
                lines=(
                    f"{notes[n.name][0]}  {n.lines[0]}",
                    *n.lines[1:],
                    *notes[n.name][1:],
                ),
            )
            if n.name in notes
            else n
        )
        for n in nodes
    ]


def graph_edges(graph: Graph) -> list[Edge]:
    """One edge per variable operand (two for ``x * x``), then one per name in static parameters."""
    edges = []
    for eqn in graph.eqns:
        operands = [a for a in eqn.args if isinstance(a, str)]
        statics = [v for v in eqn.variables() if v not in operands]
        edges += [Edge(a, eqn.out) for a in operands]
        edges += [Edge(v, eqn.out, True) for v in dict.fromkeys(statics)]
    return edges


def eqn_label(eqn: Eqn) -> tuple[str, ...]:
    """``(name, type)``, plus a line of non-default static parameters if any."""
    op = eqn.prim
    if any(isinstance(a, Const) for a in eqn.args):
        shown = (_short(str(a)) if isinstance(a, Const) else "·" for a in eqn.args)
        op += f"({', '.join(shown)})"
    statics = _statics_text(eqn)
    return (eqn.out, op, statics) if statics else (eqn.out, op)


def _statics_text(eqn: Eqn) -> str:
    prim = PRIMITIVES.get(eqn.prim)
    defaults = prim.statics if prim else {}
    shown = [
        f"{key}={_short(_value_text(value))}"
        for key, value in eqn.params
        if key != "lib" and not _is_default(value, defaults.get(key, ...))
    ]
    return ", ".join(shown)


def _is_default(value: Any, default: Any) -> bool:
    return type(value) is type(default) and value == default


def _value_text(value: Any) -> str:
    return ast.unparse(value) if isinstance(value, ast.AST) else repr(value)


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- DOT -----------------------------------------------------------------------


def to_dot(graph: Graph, notes: Mapping[str, tuple[str, ...]] | None = None) -> str:
    """The graph as Graphviz DOT text, left to right; the same graph gives the same bytes.
    ``notes``: see ``annotate``."""
    lines = [
        f"digraph {_quote(graph.fn.name)} {{",
        "  rankdir=LR;",
        '  node [fontname="Helvetica"];',
        '  edge [color="#3c3c3c"];',
    ]
    nodes = annotate(graph_nodes(graph), notes or {})
    active = {n.name for n in nodes if n.active}
    lines += [f"  {_quote(n.name)} [{_dot_node_attrs(n)}];" for n in nodes]
    for e in graph_edges(graph):
        attrs = ["style=dashed"] if e.static else []
        if not {e.src, e.dst} <= active:
            attrs.append(f'color="{INACTIVE_EDGE_COLOR}"')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {_quote(e.src)} -> {_quote(e.dst)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node_attrs(node: Node) -> str:
    border, fill, text = _colors(node)
    shape, style = ("ellipse", "filled") if node.leaf else ("box", "rounded,filled")
    attrs = [f"label={_quote(chr(10).join(node.lines))}", f"shape={shape}"]
    attrs += [f'style="{style}"', f'color="{border}"', f'fillcolor="{fill}"']
    attrs.append(f'fontcolor="{text}"')
    if node.output:
        attrs.append("peripheries=2")
    return ", ".join(attrs)


def _quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _colors(node: Node) -> tuple[str, str, str]:
    if not node.active:
        return INACTIVE_COLORS
    if node.output:
        return OUTPUT_COLORS
    return INPUT_COLORS if node.leaf else OP_COLORS


# --- layout --------------------------------------------------------------------


@dataclass
class Layout:
    """Where everything goes, in inches, y growing downward.

    ``pos`` and ``size`` cover the nodes and the dummy points long arrows pass
    through (size ``(0, 0)``); ``routes[i]`` is the chain of ids edge ``i``
    passes through, from its source to its target.
    """

    layers: list[list[str]]
    pos: dict[str, tuple[float, float]]
    size: dict[str, tuple[float, float]]
    routes: list[list[str]]
    width: float
    height: float


def layout(nodes: list[Node], edges: list[Edge]) -> Layout:
    """Layers, order within the layers, then coordinates."""
    layer = assign_layers(nodes, edges)
    routes = [_route(i, e, layer) for i, e in enumerate(edges)]
    for chain in routes:
        layer.update({d: layer[chain[0]] + k for k, d in enumerate(chain) if k})
    size = {n.name: node_size(n) for n in nodes}
    size.update({d: (0.0, 0.0) for chain in routes for d in chain[1:-1]})
    layers: list[list[str]] = [[] for _ in range(max(layer.values(), default=0) + 1)]
    for name in layer:  # nodes in evaluation order, then dummies edge by edge
        layers[layer[name]].append(name)
    up, down = _neighbours(routes)
    layers = order_layers(layers, up, down)
    rows = place_rows(layers, size, up, down)
    return _finish(layers, size, rows, routes)


def assign_layers(nodes: list[Node], edges: list[Edge]) -> dict[str, int]:
    """Operations: one after their latest operand.  Inputs: just before their first use."""
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        preds[e.dst].append(e.src)
        succs[e.src].append(e.dst)
    layer: dict[str, int] = {}
    for n in nodes:
        layer[n.name] = 1 + max((layer[p] for p in preds[n.name]), default=-1)
    for n in nodes:
        if n.leaf and succs[n.name]:
            layer[n.name] = min(layer[s] for s in succs[n.name]) - 1
    return layer


def _route(index: int, edge: Edge, layer: dict[str, int]) -> list[str]:
    """The edge's chain: a dummy point in every layer it crosses."""
    span = range(layer[edge.src] + 1, layer[edge.dst])
    return [edge.src, *(f"·{index}.{k}" for k in span), edge.dst]


def _neighbours(
    routes: list[list[str]],
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """For each id, its neighbours in the layer before (``up``) and after (``down``)."""
    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    for chain in routes:
        for a, b in pairwise(chain):
            down[a].append(b)
            up[b].append(a)
    return up, down


def node_size(node: Node) -> tuple[float, float]:
    """Width and height of the node's outline, from its label."""
    pts = [NAME_PT] + [OP_PT] * (len(node.lines) - 1)
    w = max(len(s) * CHAR_EM * pt for s, pt in zip(node.lines, pts, strict=True)) / 72
    h = sum(LINE_EM * pt for pt in pts) / 72
    if node.leaf:
        w, h = max(w * 1.35 + 0.2, 0.55), h * 1.3 + 0.12
    else:
        w, h = max(w + 2 * PAD_X, 0.55), h + 2 * PAD_Y
    ring = 2 * RING if node.output else 0.0
    return w + ring, h + ring


def order_layers(
    layers: list[list[str]], up: dict[str, list[str]], down: dict[str, list[str]]
) -> list[list[str]]:
    """Barycentre sweeps, alternately down and up; the order with fewest crossings wins."""
    best, fewest = [list(row) for row in layers], _crossings(layers, down)
    current = [list(row) for row in layers]
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        steps = range(1, len(current)) if forward else range(len(current) - 2, -1, -1)
        for i in steps:
            ref = current[i - 1] if forward else current[i + 1]
            current[i] = _by_barycentre(current[i], ref, up if forward else down)
        crossings = _crossings(current, down)
        if crossings < fewest:
            best, fewest = [list(row) for row in current], crossings
    return best


def _by_barycentre(
    layer: list[str], ref: list[str], nbrs: dict[str, list[str]]
) -> list[str]:
    rank = {v: i for i, v in enumerate(ref)}
    scale = (len(ref) - 1) / max(len(layer) - 1, 1)

    def key(item: tuple[int, str]) -> float:
        i, v = item
        known = [rank[u] for u in nbrs[v] if u in rank]
        return sum(known) / len(known) if known else i * scale

    return [v for _, v in sorted(enumerate(layer), key=key)]


def _crossings(layers: list[list[str]], down: dict[str, list[str]]) -> int:
    total = 0
    for left, right in pairwise(layers):
        rank = {v: i for i, v in enumerate(right)}
        ends = [(i, rank[w]) for i, v in enumerate(left) for w in down[v] if w in rank]
        total += sum(
            1 for a, b in ends for c, d in ends if a < c and b > d
        )  # pairs that swap sides
    return total


def place_rows(
    layers: list[list[str]],
    size: dict[str, tuple[float, float]],
    up: dict[str, list[str]],
    down: dict[str, list[str]],
) -> dict[str, float]:
    """Vertical centres: each layer pulled towards its neighbours, its order and spacing kept."""
    y: dict[str, float] = {}
    for layer in layers:
        y.update(zip(layer, _pack([0.0] * len(layer), _gaps(layer, size)), strict=True))
    for sweep in range(2 * SWEEPS):
        forward = sweep % 2 == 0
        nbrs = up if forward else down
        for layer in layers if forward else layers[::-1]:
            wanted = [_mean([y[u] for u in nbrs[v]], y[v]) for v in layer]
            y.update(zip(layer, _pack(wanted, _gaps(layer, size)), strict=True))
    return y


def _gaps(layer: list[str], size: dict[str, tuple[float, float]]) -> list[float]:
    """The least distance between the centres of each two neighbours in a layer."""
    gaps = []
    for a, b in pairwise(layer):
        both_nodes = size[a][1] > 0 and size[b][1] > 0
        gap = ROW_GAP if both_nodes else DUMMY_GAP
        gaps.append((size[a][1] + size[b][1]) / 2 + gap)
    return gaps


def _pack(wanted: list[float], gaps: list[float]) -> list[float]:
    """Positions nearest ``wanted`` (least squares) in the same order, ``gaps`` apart at least."""
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    fitted = _isotonic([w - o for w, o in zip(wanted, offsets, strict=True)])
    return [f + o for f, o in zip(fitted, offsets, strict=True)]


def _isotonic(values: list[float]) -> list[float]:
    """The non-decreasing sequence nearest ``values`` (pool adjacent violators)."""
    blocks: list[tuple[float, int]] = []
    for v in values:
        blocks.append((v, 1))
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (m2, c2), (m1, c1) = blocks.pop(), blocks.pop()
            blocks.append(((m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2))
    return [m for m, c in blocks for _ in range(c)]


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _finish(
    layers: list[list[str]],
    size: dict[str, tuple[float, float]],
    rows: dict[str, float],
    routes: list[list[str]],
) -> Layout:
    """Columns from the layer widths; rows shifted below the title."""
    top = min((rows[v] - size[v][1] / 2 for v in rows), default=0.0)
    bottom = max((rows[v] + size[v][1] / 2 for v in rows), default=0.0)
    pos: dict[str, tuple[float, float]] = {}
    x = MARGIN
    for layer in layers:
        w = max((size[v][0] for v in layer), default=0.0)
        pos.update({v: (x + w / 2, rows[v] - top + MARGIN + TITLE_H) for v in layer})
        x += w + COL_GAP
    width = max(x - COL_GAP + MARGIN, MIN_WIDTH)
    shift = (width - (x - COL_GAP + MARGIN)) / 2  # centre a narrow graph
    pos = {v: (px + shift, py) for v, (px, py) in pos.items()}
    height = bottom - top + 2 * MARGIN + TITLE_H + CAPTION_H
    return Layout(layers, pos, size, routes, width, height)


# --- drawing -------------------------------------------------------------------


def render(
    graph: Graph,
    path: str | os.PathLike[str],
    notes: Mapping[str, tuple[str, ...]] | None = None,
    subtitle: str | None = None,
) -> None:
    """Write a picture of ``graph``; the extension chooses: .dot, .png, .svg or .pdf.
    ``notes`` and ``subtitle`` annotate it (see ``annotate`` and ``draw``)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise InputFileError(
            f"cannot draw {target.name}: unknown extension {suffix or '(none)'}; "
            f"supported: {', '.join(FORMATS)}",
            Location(str(path)),
            hint=f"name the picture file with one of {', '.join(FORMATS)}",
        )
    if suffix == ".dot":
        text = to_dot(graph, notes)
        _write_atomically(target, lambda tmp: Path(tmp).write_text(text, "utf-8"))
        return
    figure = draw(graph, notes, subtitle)
    _write_atomically(target, lambda tmp: _save(figure, tmp, suffix[1:]))


def draw(
    graph: Graph,
    notes: Mapping[str, tuple[str, ...]] | None = None,
    subtitle: str | None = None,
) -> Any:
    """The picture as a ``matplotlib.figure.Figure`` (Agg canvas, no pyplot state).
    ``subtitle`` replaces the ``wrt`` line under the title (the annotated graph
    says there at which point, and for which seed)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ModuleNotFoundError:
        raise InputFileError(
            "drawing .png, .svg or .pdf needs matplotlib",
            hint="pip install 'adgen[lab]' (or matplotlib); -o FILE.dot needs nothing",
        ) from None

    nodes = annotate(graph_nodes(graph), notes or {})
    edges = graph_edges(graph)
    plan = layout(nodes, edges)
    figure = Figure(figsize=(plan.width, plan.height))
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, plan.width)
    ax.set_ylim(plan.height, 0)
    ax.axis("off")
    active = {n.name for n in nodes if n.active}
    for i, edge in enumerate(edges):
        _draw_edge(ax, plan, nodes, i, edge, {edge.src, edge.dst} <= active)
    for node in nodes:
        _draw_node(ax, node, plan.pos[node.name], plan.size[node.name])
    _draw_titles(ax, graph, plan, nodes, subtitle)
    return figure


def _draw_node(
    ax: Any, node: Node, at: tuple[float, float], size: tuple[float, float]
) -> None:
    from matplotlib.patches import Ellipse

    (x, y), (w, h) = at, size
    border, fill, text = _colors(node)
    style = {"edgecolor": border, "linewidth": 1.3, "zorder": 3}
    if node.output:
        _rounded(ax, x, y, w, h, facecolor="white", **style)
        w, h = w - 2 * RING, h - 2 * RING
    if node.leaf:
        ax.add_patch(Ellipse((x, y), w, h, facecolor=fill, **style))
    else:
        _rounded(ax, x, y, w, h, facecolor=fill, **style)
    _draw_label(ax, node.lines, x, y, text)


def _rounded(ax: Any, x: float, y: float, w: float, h: float, **style: Any) -> None:
    """A box with rounded corners centred on ``(x, y)``."""
    from matplotlib.patches import FancyBboxPatch

    box = "round,pad=0,rounding_size=0.09"
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle=box, **style))


def _draw_label(
    ax: Any, lines: tuple[str, ...], x: float, y: float, color: str
) -> None:
    pts = [NAME_PT] + [OP_PT] * (len(lines) - 1)
    heights = [LINE_EM * pt / 72 for pt in pts]
    top = y - sum(heights) / 2
    for i, (line, pt, h) in enumerate(zip(lines, pts, heights, strict=True)):
        ax.text(
            x,
            top + h / 2,
            line,
            ha="center",
            va="center_baseline",
            fontsize=pt,
            family=FONT,
            weight="bold" if i == 0 else "normal",
            color=color,
            zorder=4,
        )
        top += h


def _draw_edge(
    ax: Any, plan: Layout, nodes: list[Node], index: int, edge: Edge, active: bool
) -> None:
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path as MplPath

    points = _edge_points(plan, nodes, index)
    verts, codes = [points[0]], [MplPath.MOVETO]
    for (x0, y0), (x1, y1) in pairwise(points):
        mid = (x1 - x0) / 2
        verts += [(x0 + mid, y0), (x1 - mid, y1), (x1, y1)]
        codes += [MplPath.CURVE4] * 3
    arrow = FancyArrowPatch(
        path=MplPath(verts, codes),
        arrowstyle="-|>,head_length=0.45,head_width=0.22",
        mutation_scale=14,
        color=EDGE_COLOR if active else INACTIVE_EDGE_COLOR,
        linewidth=1.1,
        linestyle="--" if edge.static else "-",
        shrinkA=0,
        shrinkB=0,
        zorder=2,
    )
    ax.add_patch(arrow)


def _edge_points(
    plan: Layout, nodes: list[Node], index: int
) -> list[tuple[float, float]]:
    """Where edge ``index`` leaves its source, the points it passes, where it ends."""
    chain = plan.routes[index]
    leaves = {n.name for n in nodes if n.leaf}
    start = _port(plan, index, 1, chain[0] in leaves)
    end = _port(plan, index, -1, chain[-1] in leaves)
    return [start, *(plan.pos[d] for d in chain[1:-1]), end]


def _port(plan: Layout, index: int, side: int, ellipse: bool) -> tuple[float, float]:
    """Where edge ``index`` meets the right (``side=1``: its source) or left border.

    The edges at one side of a node are spread along it in the order of the
    rows they come from, so that arrowheads do not overlap and lines do not
    cross there.
    """
    chain = plan.routes[index]
    name = chain[0] if side == 1 else chain[-1]
    (x, y), (w, h) = plan.pos[name], plan.size[name]
    ends = sorted(
        (plan.pos[r[1] if side == 1 else r[-2]][1], i)
        for i, r in enumerate(plan.routes)
        if (r[0] if side == 1 else r[-1]) == name
    )
    k = len(ends)
    step = min(0.14, 0.55 * h / max(k - 1, 1))
    rank = [i for _, i in ends].index(index)
    dy = (rank - (k - 1) / 2) * step
    half = w / 2
    if ellipse:
        half *= max(0.0, 1 - (2 * dy / h) ** 2) ** 0.5
    return (x + side * half, y + dy)


def _draw_titles(
    ax: Any, graph: Graph, plan: Layout, nodes: list[Node], subtitle: str | None
) -> None:
    """The function's name and its ``wrt`` above the graph, a key below it."""
    middle = plan.width / 2
    fits = int(plan.width * 72 / (8.5 * CHAR_EM)) - 4
    wrt = _short(subtitle or f"wrt {', '.join(graph.fn.wrt) or '-'}", fits)
    text = {"ha": "center", "va": "center", "family": FONT}
    ax.text(middle, MARGIN + 0.2, graph.fn.name, fontsize=15, weight="bold", **text)
    ax.text(middle, MARGIN + 0.5, wrt, fontsize=8.5, color="#555555", **text)
    ax.text(
        middle,
        plan.height - MARGIN - CAPTION_H / 3,
        _caption(nodes, graph_edges(graph)),
        ha="center",
        va="center",
        fontsize=7,
        color="#666666",
    )


def _caption(nodes: list[Node], edges: list[Edge]) -> str:
    """The key to the picture, naming only what it shows."""
    parts = ["ellipse: input", "box: operation", "double border: output"]
    if not all(n.active for n in nodes):
        parts.append("grey: inactive (no adjoint)")
    if any(e.static for e in edges):
        parts.append("dashed: read by a static parameter")
    return "   ".join(parts)


def _save(figure: Any, path: str, fmt: str) -> None:
    """Save with no dates or version stamps, so that the same graph gives the same file."""
    import matplotlib

    metadata = {"png": {"Software": None}, "svg": {"Date": None}}.get(
        fmt, {"CreationDate": None}
    )
    longest = max(figure.get_size_inches())
    dpi = min(150.0, MAX_PIXELS / longest)
    with matplotlib.rc_context({"svg.hashsalt": "adgen", "pdf.compression": 6}):
        figure.savefig(path, format=fmt, metadata=metadata, dpi=dpi, facecolor="white")


def _write_atomically(target: Path, write: Callable[[str], Any]) -> None:
    """Write through a temporary file beside ``target``, then rename it into place."""
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputFileError(
            f"cannot write {target}: {exc.strerror}",
            Location(str(target)),
            hint="draw into an existing folder you can write to",
        ) from None
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
