"""Type hints survive adgen's decorators: a type checker (mypy) still sees the
model's own signature through ``@adgen.wrt``/``@adgen.shapes``/``@adgen.defvjp``,
and the runtime API's results have their documented types."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MODEL = """
import numpy as np
import adgen

@adgen.wrt("w")
@adgen.shapes(w="3")
def loss(w: np.ndarray, k: float) -> float:
    return float(np.sum(w * k))

@adgen.defvjp(loss)
def loss_vjp(g: float, ans: float, w: np.ndarray, k: float) -> np.ndarray:
    return g * k * np.ones_like(w)

reveal_type(loss)
reveal_type(loss_vjp)
reveal_type(adgen.source(loss))
reveal_type(adgen.graph(loss))
"""


def test_decorated_functions_keep_their_signatures(tmp_path):
    model = tmp_path / "typed_model.py"
    model.write_text(MODEL, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT)}  # adgen as in the repository
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--follow-imports=silent",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(model),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    revealed = [
        ln.split("Revealed type is ", 1)[1]
        for ln in checked.stdout.splitlines()
        if "Revealed type is" in ln
    ]
    assert len(revealed) == 4, checked.stdout + checked.stderr
    assert revealed[0].startswith('"def (w: numpy.ndarray') and revealed[0].endswith(
        'k: float) -> float"'
    )
    assert "def (g: float, ans: float" in revealed[1]
    assert revealed[2] == '"adgen.notebook.Code"'
    assert revealed[3] == '"adgen.notebook.GraphPicture"'
