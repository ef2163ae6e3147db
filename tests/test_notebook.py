"""examples/lecture.ipynb runs top to bottom in a real kernel, and is stored clean.

The notebook's own cells assert the lecture's numbers against the derivatives
worked by hand (5.5 and 2 - cos 5 = 1.716 at (2, 5); the lab's [0, 0] at the
ReLU kink), so running it is a test; here we also check what it printed."""

from __future__ import annotations

import shutil

import nbformat
from conftest import EXAMPLES
from nbclient import NotebookClient

NOTEBOOK = EXAMPLES / "lecture.ipynb"


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs_top_to_bottom(tmp_path):
    for name in ("lecture.ipynb", "lecture.py"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    nb = nbformat.read(tmp_path / "lecture.ipynb", as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError at the first failing cell
    printed = "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "v5  n6 = np.sin(x2)  = -0.959" in printed  # the lecture's numbering
    assert "x2_bar = x2_bar + n4_bar * x1  = 1.716" in printed
    assert "[5.5, 1.716]" in printed
    shown = [
        o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs
    ]
    code = "".join(d.get("text/markdown", "") for d in shown)
    assert code.startswith("```python\n") and "def grad_demo(x1, x2):" in code
    svg = "".join(d.get("image/svg+xml", "") for d in shown)  # the graph, drawn inline
    for label in (
        "v5  n6",
        "n6 = -0.959",
        "n7 = 11.652",
        "x1_bar = 5.5",
        "x2_bar = 1.716",
    ):
        assert label in svg
