"""Lab 7's report: questions 1 to 5 answered in turn, as a PDF (matplotlib only).

``write_report`` lays out three A4 pages:

1. Q1, the formula of y1 with subscripts (matplotlib's mathtext), and Q2, the
   computation graph adgen builds from ``net_scalar.py``: node types and the
   ``n_i`` names the generated code uses;
2. Q3 and Q4: the value and gradient at (2, -2) with every w = 1 and b = 0,
   with the lines of the generated code that computed them (the primal and
   adjoint traces of ``adgen trace``) and a sentence on ReLU'(0) = 0;
3. Q5: the settings (samples, learning rate, epochs, optimizer), the loss
   curve, the fitted surface beside the target, and the grid MSE.

The PDF carries no creation date, so the same run writes the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lab import NAMES, ROOT, target

from adgen.parse import read_source
from adgen.pipeline import run
from adgen.trace import adjoint_trace, number, primal_trace

A4 = (8.27, 11.69)  # inches
MONO = "DejaVu Sans Mono"  # ships with matplotlib
MODEL = "examples/lab7/net_scalar.py"
Q3_POINT = {"x1": 2.0, "x2": -2.0}


@dataclass(frozen=True)
class Training:
    """What question 5 reports about the run."""

    settings: dict[str, object]
    curve: list[float]
    grid: tuple[np.ndarray, np.ndarray]
    predictions: np.ndarray
    train_mse: float
    test_mse: float


def write_report(
    path: Path, student_id: str, graph_png: Path, training: Training
) -> Path:
    """Write the three pages to ``path`` (a .pdf); ``graph_png`` is the picture
    ``adgen graph examples/lab7/net_scalar.py:net -o graph.png`` drew."""
    from matplotlib.backends.backend_pdf import PdfPages

    pages = [
        _formula_and_graph(student_id, graph_png),
        _value_and_gradient(),
        _training(training),
    ]
    with PdfPages(
        path, metadata={"CreationDate": None, "Creator": "adgen lab 7"}
    ) as pdf:
        for page in pages:
            pdf.savefig(page)
    return path


def _page(title: str):
    from matplotlib.figure import Figure

    figure = Figure(figsize=A4)
    figure.text(0.08, 0.955, title, fontsize=15, weight="bold")
    return figure


def _formula_and_graph(student_id: str, graph_png: Path):
    from matplotlib.image import imread

    page = _page(f"Lab 7: computation graphs, {student_id}")
    page.text(
        0.08,
        0.915,
        "Q1  The network's output, with subscripts",
        fontsize=12,
        weight="bold",
    )
    formulas = [
        r"$h_i = \mathrm{ReLU}(w_{i1}\,x_1 + w_{i2}\,x_2 + b_i),\quad i = 1, 2, 3,\qquad \mathrm{ReLU}(z) = \max(z, 0)$",
        r"$y_1 = \sum_{i=1}^{3} w_{4i}\,h_i + b_4"
        r" = \sum_{i=1}^{3} w_{4i}\,\mathrm{ReLU}(w_{i1}\,x_1 + w_{i2}\,x_2 + b_i) + b_4$",
    ]
    for k, formula in enumerate(formulas):
        page.text(0.1, 0.87 - 0.045 * k, formula, fontsize=12)
    page.text(
        0.1,
        0.8,
        "9 weights (6 into the hidden layer, 3 out of it) and 4 biases:\n"
        f"{' '.join(NAMES)}.",
        fontsize=9,
    )
    page.text(0.08, 0.74, "Q2  The computation graph", fontsize=12, weight="bold")
    page.text(
        0.1,
        0.715,
        "Drawn by `adgen graph examples/lab7/net_scalar.py:net`. Ellipses: the inputs and\n"
        "parameters; boxes: operations, typed mul (multiply), add (add) and\n"
        "maximum(·, 0) (ReLU), named as in generated/net_scalar_grad.py (n16 = w11 * x1 ...).",
        fontsize=9,
        va="top",
    )
    picture = page.add_axes((0.04, 0.04, 0.92, 0.6))
    picture.imshow(imread(graph_png))
    picture.axis("off")
    return page


def _value_and_gradient():
    stages = run(read_source(str(ROOT / MODEL)), ["net"])
    graph, backward = stages.graphs[0], stages.backwards[0]
    point = {**Q3_POINT, **{n: 1.0 if n.startswith("w") else 0.0 for n in NAMES}}
    primal, values = primal_trace(graph, point)
    adjoints = adjoint_trace(graph, backward, values)
    final = {line.code.split(" = ")[0]: line.value for line in adjoints}
    page = _page("Q3 and Q4  At (x1, x2) = (2, -2), every w = 1, every b = 0")
    y1 = values[graph.fn.output]
    page.text(
        0.08,
        0.915,
        f"Q3  y1 = {number(y1)}.   Q4  [dy1/dx1, dy1/dx2] = "
        f"[{number(final['x1_bar'])}, {number(final['x2_bar'])}].",
        fontsize=12,
        weight="bold",
    )
    page.text(
        0.08,
        0.885,
        "Every hidden pre-activation is 1*2 + 1*(-2) + 0 = 0, exactly the ReLU's kink. With\n"
        "ReLU'(0) = 0, as the lab prescribes (and adgen's rule for np.maximum(z, 0): the\n"
        "adjoint goes to the strictly larger operand, n_bar = h_bar * (n > 0)), no gradient\n"
        "passes any neuron, so both partial derivatives are 0.",
        fontsize=9,
        va="top",
    )
    order = {eqn.out: i for i, eqn in enumerate(graph.eqns)}  # as forward_net runs
    rows = sorted(
        (line for line in primal if line.index > 2 + len(NAMES)),
        key=lambda line: order[line.code.split(" = ")[0]],
    )
    masks = [
        line for line in adjoints if "> 0" in line.code or line.code.startswith("x")
    ]
    _listing(page, 0.79, "forward_net, the lines that computed y1:", rows)
    _listing(
        page,
        0.42,
        "backward_net, the ReLU adjoints and the inputs' adjoints it accumulates:",
        masks,
    )
    return page


def _listing(page, top: float, title: str, lines) -> None:
    """``title``, then each line of code with the value it computed, aligned."""
    width = max(len(line.code) for line in lines)
    text = "\n".join(f"{line.code:<{width}}  = {number(line.value)}" for line in lines)
    page.text(0.08, top, title, fontsize=9, weight="bold")
    page.text(0.08, top - 0.015, text, fontsize=8, family=MONO, va="top")


def _training(training: Training):
    page = _page("Q5  Fitting f(x1, x2) = 2 x1 + x1 x2 on [-1, 1]²")
    settings = "\n".join(f"{k:<14} {v}" for k, v in training.settings.items())
    page.text(0.08, 0.92, settings, fontsize=9, family=MONO, va="top")
    page.text(
        0.55,
        0.92,
        f"train MSE   {training.train_mse:.3g}\n"
        f"grid MSE    {training.test_mse:.3g}\n"
        "(on the lab's 21x21 grid x = y = -1:0.1:1,\n the predictions saved in the .mat file)",
        fontsize=8.5,
        family=MONO,
        va="top",
    )
    curve = page.add_axes((0.12, 0.5, 0.8, 0.24))
    curve.semilogy(training.curve)
    curve.set(
        title="training loss (best restart)",
        xlabel="epoch / L-BFGS iteration",
        ylabel="train MSE",
    )
    gx, gy = training.grid
    for k, (title, z) in enumerate(
        [("target 2 x1 + x1 x2", target(gx, gy)), ("network", training.predictions)]
    ):
        ax = page.add_axes((0.04 + 0.47 * k, 0.05, 0.45, 0.36), projection="3d")
        ax.plot_surface(gx, gy, z, cmap="viridis", linewidth=0)
        ax.set(title=title, xlabel="x1", ylabel="x2")
    return page
