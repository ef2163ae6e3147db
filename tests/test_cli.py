"""The command line: exit codes, --check/--diff/--dump, atomic and deterministic output."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import EXAMPLES, ROOT

import adgen
from adgen.cli import main
from adgen.pipeline import STAGES

MODEL = textwrap.dedent("""
    import numpy as np

    def loss(w, x):
        return np.sum(np.tanh(w * x) ** 2)
    """)


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    return path


def test_compile_writes_black_formatted_module(model, tmp_path, capsys):
    import black

    out = tmp_path / "gen"
    assert main(["compile", str(model), "-o", str(out)]) == 0
    text = (out / "model_grad.py").read_text()
    assert (
        "def forward_loss(w, x):" in text
        and "def backward_loss(tape" in text
        and "def grad_loss(w, x):" in text
    )
    assert black.format_str(text, mode=black.Mode()) == text
    assert "wrote" in capsys.readouterr().out


def test_check_reports_fresh_stale_and_missing(model, tmp_path):
    out = tmp_path / "gen"
    assert main(["compile", str(model), "-o", str(out), "--check"]) == 1  # missing
    assert main(["compile", str(model), "-o", str(out)]) == 0
    assert main(["compile", str(model), "-o", str(out), "--check"]) == 0  # fresh
    model.write_text(MODEL.replace("** 2", "** 3"))
    assert main(["compile", str(model), "-o", str(out), "--check"]) == 1  # stale


def test_check_message_names_the_refresh_command(model, tmp_path, capsys):
    out = tmp_path / "gen"
    main(["compile", str(model), "-o", str(out), "--check"])
    err = capsys.readouterr().err
    assert "model_grad.py is missing" in err and "adgen compile" in err


def test_diff_shows_changes_and_writes_nothing(model, tmp_path, capsys):
    out = tmp_path / "gen"
    main(["compile", str(model), "-o", str(out)])
    before = (out / "model_grad.py").read_text()
    model.write_text(MODEL.replace("** 2", "** 3"))
    capsys.readouterr()
    assert main(["compile", str(model), "-o", str(out), "--diff"]) == 1
    diff = capsys.readouterr().out
    assert "+" in diff and "** 3" in diff
    assert (out / "model_grad.py").read_text() == before


@pytest.mark.parametrize("stage", STAGES)
def test_dump_prints_every_stage(model, tmp_path, capsys, stage):
    out = tmp_path / "gen"
    assert main(["compile", str(model), "-o", str(out), "--dump", stage]) == 0
    printed = capsys.readouterr().out
    assert printed.strip()
    assert not out.exists()  # --dump writes nothing
    expected = {
        "parse": "np -> numpy",
        "check": "ok: loss",
        "normalize": "tanh(",
        "graph": "active",
        "reverse": "_bar",
        "program": "# role grad, model loss\ndef grad_loss(w, x):",
        "optimize": "# role grad, model loss\ndef grad_loss(w, x):",
        "emit": "def backward_loss",
        "format": "def backward_loss",
    }
    assert expected[stage] in printed


def test_dump_shows_the_output_ir_before_and_after_optimize(model, capsys):
    def dumped(stage: str) -> str:
        assert main(["compile", str(model), "--dump", stage]) == 0
        return capsys.readouterr().out

    program, optimized = dumped("program"), dumped("optimize")
    # the optimize passes: copies forwarded, lists read as arrays on entry
    assert "np.full_like(n5, n6_bar)" in program
    assert "np.full_like(n5, 1.0)" in optimized
    assert "sequences_as_arrays" not in program
    assert "w, x = sequences_as_arrays(w, x)" in optimized
    # the IR, not the module: emit adds the header and imports
    assert "import numpy" not in program + optimized
    assert "import numpy as np" in dumped("emit")


def test_wrt_option_limits_the_adjoints(model, tmp_path):
    out = tmp_path / "gen"
    assert main(["compile", str(model), "-o", str(out), "--wrt", "w"]) == 0
    text = (out / "model_grad.py").read_text()
    assert (
        "w_bar" in text and "x_bar" not in text
    )  # inactive parameters get no adjoint code


def test_function_selection(tmp_path):
    path = tmp_path / "two.py"
    path.write_text("def a(x):\n    return x * x\n\n\ndef b(x):\n    return x + x\n")
    out = tmp_path / "gen"
    assert main(["compile", f"{path}:b", "-o", str(out)]) == 0
    text = (out / "two_grad.py").read_text()
    assert "def grad_b" in text and "def grad_a" not in text


def test_error_exit_2_and_nothing_written(tmp_path, capsys):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import numpy as np\n\ndef f(x):\n    try:\n        x = x * 2\n    except ValueError:\n        pass\n    return x\n"
    )
    good = tmp_path / "good.py"
    good.write_text(MODEL)
    out = tmp_path / "gen"
    assert main(["compile", str(good), str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        "bad.py:4:5: error:" in err
        and "cannot be differentiated" in err
        and "hint:" in err
    )
    assert "Traceback" not in err
    assert not out.exists()  # the good file is not written either: all or nothing


def test_failed_compile_leaves_previous_output_intact(model, tmp_path):
    out = tmp_path / "gen"
    main(["compile", str(model), "-o", str(out)])
    before = (out / "model_grad.py").read_bytes()
    model.write_text(MODEL.replace("np.tanh", "np.fft.fft"))
    assert main(["compile", str(model), "-o", str(out)]) == 2
    assert (out / "model_grad.py").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [
        "model_grad.py"
    ]  # no temporary left behind


def test_model_file_is_never_executed(tmp_path):
    marker = tmp_path / "executed.txt"
    path = tmp_path / "evil.py"
    path.write_text(
        f"import numpy as np\nopen({str(marker)!r}, 'w').write('ran')\nwhile True:\n    pass\n\n"
        "def f(x):\n    return np.sin(x)\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "adgen",
            "compile",
            str(path),
            "-o",
            str(tmp_path / "gen"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not marker.exists()


def test_output_is_byte_identical_across_runs(tmp_path):
    lab = EXAMPLES / "lab7" / "net_scalar.py"
    out = tmp_path / "gen"
    runs = []
    for _ in range(2):  # two processes: no state shared between them
        subprocess.run(
            [sys.executable, "-m", "adgen", "compile", str(lab), "-o", str(out)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        runs.append((out / "net_scalar_grad.py").read_bytes())
        (out / "net_scalar_grad.py").unlink()
    assert runs[0] == runs[1]


def test_console_script_version_and_help():
    result = subprocess.run(
        [sys.executable, "-m", "adgen", "--version"], capture_output=True, text=True
    )
    assert result.stdout.strip() == f"adgen {adgen.__version__}"
    result = subprocess.run(
        [sys.executable, "-m", "adgen", "compile", "--help"],
        capture_output=True,
        text=True,
    )
    assert "--check" in result.stdout and "--dump" in result.stdout


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "compile" in capsys.readouterr().out


def test_committed_generated_folder_is_up_to_date(monkeypatch):
    """What CI checks: generated/ is exactly what `adgen compile` emits today."""
    import re

    monkeypatch.chdir(ROOT)
    generated = sorted((ROOT / "generated").glob("*_grad.py"))
    sources = [
        re.search(r"from (\S+) \(source sha256", g.read_text()).group(1)
        for g in generated
    ]
    assert "examples/lecture.py" in sources and "examples/lab7/net_scalar.py" in sources
    assert main(["compile", *sources, "--check"]) == 0


def test_import_of_a_stale_generated_file_warns_with_the_refresh_command(
    model, tmp_path
):
    import importlib.util

    from adgen.runtime import StaleGeneratedWarning

    out = tmp_path / "gen"
    assert main(["compile", str(model), "-o", str(out)]) == 0

    def load():
        spec = importlib.util.spec_from_file_location(
            "model_grad_fresh", out / "model_grad.py"
        )
        spec.loader.exec_module(importlib.util.module_from_spec(spec))

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load()  # fresh: no warning
    model.write_text(MODEL.replace("** 2", "** 3"))
    with pytest.warns(StaleGeneratedWarning, match="adgen compile .*model.py -o"):
        load()


# --- stdout closed early, and `-` -------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["compile", "--dump", "format", str(EXAMPLES / "lecture.py")],
        ["trace", f"{EXAMPLES / 'lecture.py'}:g", "--at", "x1=2,x2=5"],
    ],
    ids=["compile-dump", "trace"],
)
def test_a_closed_stdout_ends_quietly_with_status_141(argv):
    """`adgen ... | head -1`: the reader is gone before adgen writes (deterministic:
    the read end is closed first), so every write meets a broken pipe."""
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "adgen", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr and "Error" not in result.stderr
    assert result.returncode == 141, result.stderr


def test_compile_refuses_dash_as_output_folder(model, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["compile", str(model), "-o", "-"]) == 2
    err = capsys.readouterr().err
    assert "`-o` takes a folder" in err and "--dump format" in err
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", ["compile", "trace", "check", "graph"])
def test_dash_as_model_path_is_refused(command, capsys):
    extra = ["--at", "x=1"] if command in ("trace", "check") else []
    assert main([command, "-", *extra]) == 2
    assert "not from stdin (`-`)" in capsys.readouterr().err


def test_graph_dash_output_prints_dot(capsys):
    assert main(["graph", f"{EXAMPLES / 'lecture.py'}:g", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("digraph")
