"""Safe by construction: atomic and concurrent writes, reproducible output, numerical edge cases."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

import adgen
from adgen import cli

MODEL = "import numpy as np\n\n\ndef f(x):\n    return np.sum(np.sin(x) ** 2)\n"


def test_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch):
    model = tmp_path / "model.py"
    model.write_text(MODEL)
    out = tmp_path / "gen"
    assert cli.main(["compile", str(model), "-o", str(out)]) == 0
    before = (out / "model_grad.py").read_bytes()
    model.write_text(MODEL.replace("** 2", "** 3"))

    def killed(*_args):
        raise KeyboardInterrupt  # as if the process were stopped between write and rename

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        cli.main(["compile", str(model), "-o", str(out)])
    assert (out / "model_grad.py").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["model_grad.py"]  # the temporary is gone


def test_killed_process_leaves_the_previous_file(tmp_path):
    """A compile killed at a random moment never leaves a half-written file."""
    model = tmp_path / "model.py"
    model.write_text(MODEL)
    out = tmp_path / "gen"
    assert cli.main(["compile", str(model), "-o", str(out)]) == 0
    before = (out / "model_grad.py").read_bytes()
    model.write_text(MODEL.replace("** 2", "** 3"))
    for delay in (0.2, 0.5, 0.8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "adgen", "compile", str(model), "-o", str(out)]
        )
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        text = (out / "model_grad.py").read_bytes()
        assert text == before or b"** 3" in text  # the old file or the whole new one
        compile(text, "model_grad.py", "exec")


def test_concurrent_compiles_into_one_folder(tmp_path):
    models = []
    for i in range(4):
        path = tmp_path / f"m{i}.py"
        path.write_text(MODEL.replace("** 2", f"** {i + 2}"))
        models.append(path)
    out = tmp_path / "gen"
    commands = [
        [sys.executable, "-m", "adgen", "compile", str(p), "-o", str(out)]
        for p in models * 2
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(
                lambda c: subprocess.run(c, capture_output=True, text=True), commands
            )
        )
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    for i in range(4):
        text = (out / f"m{i}_grad.py").read_text()
        compile(text, f"m{i}_grad.py", "exec")
        assert f"** {i + 2}" in text
    assert sorted(p.name for p in out.iterdir()) == [f"m{i}_grad.py" for i in range(4)]


def _interpreter(version: str) -> str | None:
    """A working ``python<version>``: on PATH, or in pyenv's folder of versions."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(
        glob.glob(
            os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")
        )
    )
    for exe in filter(None, candidates):
        if subprocess.run([exe, "-c", "pass"], capture_output=True).returncode == 0:
            return exe
    return None


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_same_bytes_on_other_python_versions(version, tmp_path):
    """Byte-identical output across interpreters (.ci/run installs numpy/scipy/black for them)."""
    interpreter = _interpreter(version)
    if interpreter is None:
        pytest.skip(f"no Python {version} on this machine")
    probe = subprocess.run(
        [interpreter, "-c", "import numpy, scipy, black"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip(f"Python {version} lacks numpy/scipy/black (.ci/run installs them)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    models = ["examples/lab7/net_scalar.py", "examples/lecture.py"]  # + the float path
    outputs = []
    for exe in (sys.executable, interpreter):
        out = tmp_path / "gen"  # one folder: the header names it
        subprocess.run(
            [exe, "-m", "adgen", "compile", *models, "-o", str(out)],
            check=True,
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        outputs.append([(out / f"{Path(m).stem}_grad.py").read_bytes() for m in models])
    assert outputs[0] == outputs[1]


# --- numerical edge cases: the same inf and nan numpy gives, never an exception ---------------


def log_sum(x):
    return np.sum(np.log(x))


def sqrt_sum(x):
    return np.sum(np.sqrt(x))


def inverse_sum(x):
    return np.sum(1.0 / x)


def relu_sum(x):
    return np.sum(np.maximum(x, 0.0))


def abs_sum(x):
    return np.sum(np.abs(x))


def where_sum(x):
    return np.sum(np.where(x > 0, x, 0.0))


def clip_sum(x):
    return np.sum(np.clip(x, -1.0, 1.0))


def max_of(x):
    return np.max(x)


@pytest.mark.parametrize(
    "f, closed_form",
    [
        (log_sum, lambda x: 1.0 / x),  # 1/0 = inf, as numpy computes it
        (sqrt_sum, lambda x: 0.5 / np.sqrt(x)),
        (inverse_sum, lambda x: -1.0 / x**2),
    ],
)
def test_singular_points_give_numpys_inf_not_an_exception(f, closed_form):
    x = np.array([0.0, 1.0, 4.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        g = adgen.grad(f)(x)
        expected = closed_form(x)
    np.testing.assert_array_equal(np.isinf(g), np.isinf(expected))
    np.testing.assert_allclose(g[1:], expected[1:])


@pytest.mark.parametrize(
    "f, at_kink",
    [
        (relu_sum, [0.0, 0.0, 1.0]),  # relu'(0) = 0
        (abs_sum, [0.0, -1.0, 1.0]),  # d|x|/dx at 0 = 0
        (where_sum, [0.0, 0.0, 1.0]),  # the branch not taken at x = 0
        (clip_sum, [1.0, 1.0, 1.0]),  # closed interval [lo, hi]
    ],
)
def test_kinks_follow_the_documented_convention(f, at_kink):
    x = np.array([0.0, -1.0, 1.0]) if f is not clip_sum else np.array([-1.0, 0.0, 1.0])
    if f in (relu_sum, where_sum):
        x = np.array([0.0, -1.0, 1.0])
    np.testing.assert_array_equal(adgen.grad(f)(x), at_kink)


def test_ties_in_max_share_the_gradient():
    np.testing.assert_array_equal(
        adgen.grad(max_of)(np.array([2.0, 2.0, 1.0])), [0.5, 0.5, 0.0]
    )


@pytest.mark.parametrize(
    "f",
    [log_sum, sqrt_sum, inverse_sum, relu_sum, abs_sum, where_sum, clip_sum, max_of],
)
def test_float32_in_float32_out(f):
    x = np.array([0.5, 1.5, 2.5], dtype=np.float32)
    g = adgen.grad(f)(x)
    assert g.dtype == np.float32 and g.shape == x.shape
