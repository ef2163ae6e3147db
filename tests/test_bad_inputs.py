"""Bad inputs: every mistake in a model file or a command gets one located message.

The corpus lives in ``tests/bad_inputs/``: one small model file per mistake,
whose first line says what adgen must report::

    # expect: <ExceptionClassName> <line>:<col> | <substring of the message>

``col`` is 1-based and counted in characters, as printed.  Optional following
lines ``# not: <substring>`` name text the message must NOT contain (used where
a plausible-but-wrong message is worth ruling out).

For each file, ``adgen compile FILE -o DIR`` must exit 2, print exactly one
``FILE:LINE:COL: error: ...`` line followed by the source line, a caret under
COL and a ``hint:`` line, never a traceback, and write nothing.

Further tests feed inputs that are not corpus files (empty, binary, missing,
bad selectors, bad ``--wrt``, pathological nesting, huge files), run the real
console entry point in a subprocess, and check that a failed compile leaves an
earlier generated file untouched.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import adgen.errors
from adgen.cli import main
from adgen.errors import AdgenError, SourceFile
from adgen.pipeline import run

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CORPUS_DIR = TESTS / "bad_inputs"
CORPUS = sorted(CORPUS_DIR.glob("*.py"))

EXPECT = re.compile(
    r"^# expect: (?P<cls>\w+) (?P<line>\d+):(?P<col>\d+) \| (?P<text>.+)$"
)
NOT = re.compile(r"^# not: (?P<text>.+)$")
LOCATED_ERROR = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$"
)


# --- helpers ---------------------------------------------------------------------------------


@dataclass
class Expectation:
    cls: str
    line: int
    col: int  # 1-based, in characters
    text: str
    forbidden: list[str] = field(default_factory=list)


def expectation(path: Path) -> Expectation:
    lines = path.read_text(encoding="utf-8").splitlines()
    m = EXPECT.match(lines[0]) if lines else None
    assert (
        m
    ), f"{path.name}: first line must be `# expect: Class line:col | text`, got {lines[:1]!r}"
    forbidden = []
    for extra in lines[1:]:
        n = NOT.match(extra)
        if not n:
            break
        forbidden.append(n.group("text"))
    return Expectation(
        m.group("cls"),
        int(m.group("line")),
        int(m.group("col")),
        m.group("text"),
        forbidden,
    )


def compile_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``adgen compile ARGV`` in-process; (exit status, stdout, stderr)."""
    rc = main(["compile", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "error:" in line]


def files_under(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def shape_problems(stderr: str, head_prefix: str | None = None) -> list[str]:
    """What is wrong with the overall form of a one-error message (any location)."""
    problems = []
    if "Traceback" in stderr:
        problems.append("a traceback was printed")
    heads = error_lines(stderr)
    if len(heads) != 1:
        problems.append(f"expected exactly one `error:` line, got {len(heads)}")
    elif head_prefix is not None and not heads[0].startswith(head_prefix):
        problems.append(
            f"the error line should start with {head_prefix!r}, got {heads[0]!r}"
        )
    if not any(
        line.startswith("hint: ") and line[6:].strip() for line in stderr.splitlines()
    ):
        problems.append("no `hint:` line")
    return problems


def caret_column(caret_line: str) -> int | None:
    """1-based column under which a caret line (``'    ' + spaces + '^'``) points, in the display."""
    if not re.fullmatch(r" {4} *\^", caret_line):
        return None
    return len(caret_line) - 4


# --- the corpus ------------------------------------------------------------------------------


def test_corpus_is_complete_and_well_formed():
    assert len(CORPUS) >= 40, f"only {len(CORPUS)} corpus files"
    for path in CORPUS:
        exp = expectation(path)
        cls = getattr(adgen.errors, exp.cls, None)
        assert isinstance(cls, type) and issubclass(
            cls, AdgenError
        ), f"{path.name}: unknown error class {exp.cls}"
        lines = path.read_text(encoding="utf-8").splitlines()
        assert (
            1 <= exp.line <= len(lines)
        ), f"{path.name}: line {exp.line} is outside the file"
        assert (
            1 <= exp.col <= len(lines[exp.line - 1]) + 1
        ), f"{path.name}: col {exp.col} is outside line {exp.line}"


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_bad_input_gives_one_located_error(
    path: Path, tmp_path: Path, capsys, monkeypatch
):
    exp = expectation(path)
    monkeypatch.chdir(REPO)
    shown = path.relative_to(REPO).as_posix()
    outdir = tmp_path / "out"

    rc, out, err = compile_cli(capsys, shown, "-o", str(outdir))

    problems = []
    if rc != 2:
        problems.append(f"exit status {rc}, expected 2")
    if "Traceback" in err + out:
        problems.append("a traceback was printed")
    heads = error_lines(err)
    if len(heads) != 1:
        problems.append(f"expected exactly one `error:` line, got {len(heads)}")
    prefix = f"{shown}:{exp.line}:{exp.col}: error: "
    if not heads or not heads[0].startswith(prefix):
        problems.append(f"the error line should start with {prefix!r}")
    head = heads[0] if heads else ""
    if exp.text not in head:
        problems.append(f"the message should contain {exp.text!r}")
    for text in exp.forbidden:
        if text in err:
            problems.append(f"the message should not say {text!r}")

    # The source line, then a caret under the column, then the hint.
    lines = err.splitlines()
    after = lines[lines.index(head) + 1 :] if head in lines else []
    source_line = path.read_text(encoding="utf-8").splitlines()[exp.line - 1]
    want_caret = 4 + len(source_line[: exp.col - 1].expandtabs(4)) + 1
    if len(after) < 2 or after[0] != "    " + source_line.expandtabs(4).rstrip():
        problems.append(
            f"the line after the error should be the source line {source_line!r}, indented by 4"
        )
    elif caret_column(after[1]) is None:
        problems.append("no caret line after the source line")
    elif caret_column(after[1]) + 4 != want_caret:
        problems.append(
            f"caret under display column {caret_column(after[1])}, expected {want_caret - 4}"
        )
    if not any(line.startswith("hint: ") and line[6:].strip() for line in after):
        problems.append("no `hint:` line")

    # Nothing written: not the generated module, not a temporary file, not even the folder's contents.
    if files_under(outdir):
        problems.append(f"files were written: {files_under(outdir)}")

    # The error class, via the same pipeline the CLI runs.
    try:
        run(SourceFile(shown, path.read_text(encoding="utf-8")))
    except AdgenError as error:
        if type(error).__name__ != exp.cls:
            problems.append(f"raised {type(error).__name__}, expected {exp.cls}")
    except BaseException as error:
        problems.append(f"the pipeline raised {type(error).__name__}: {error}")
    else:
        problems.append("the pipeline accepted the file")

    assert not problems, (
        "\n".join(problems) + f"\n--- exit {rc}; stderr ---\n{err}--- stdout ---\n{out}"
    )


# --- inputs that are not model files ---------------------------------------------------------

GOOD_MODEL = "import numpy as np\n\n\ndef f(x, w):\n    return np.sum(np.sin(x) * w)\n"


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty"),
        ("\n\n   \n\t\n", "empty"),
        ("# just a comment\n# and another\n", "no public top-level function"),
        ('"""Only a module docstring."""\n', "no public top-level function"),
        ("import numpy as np\n\nX = 1.0\n", "no public top-level function"),
        (
            "import numpy as np\n\n\ndef _private(x):\n    return x\n",
            "no public top-level function",
        ),
    ],
    ids=["empty", "whitespace", "comments", "docstring", "no-def", "only-private"],
)
def test_file_without_functions(content, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(content, encoding="utf-8")
    rc, _out, err = compile_cli(capsys, "model.py", "-o", "out")
    assert rc == 2, err
    assert not shape_problems(err, "model.py"), (shape_problems(err, "model.py"), err)
    assert message in error_lines(err)[0], err
    assert not files_under(tmp_path / "out")


def test_non_utf8_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_bytes(
        b"import numpy as np\n\n\ndef f(x):\n    return x  # caf\xe9 \xff\xfe\n"
    )
    rc, _out, err = compile_cli(capsys, "model.py", "-o", "out")
    assert rc == 2, err
    # located at the first bad byte: line 5, after the 19 characters `    return x  # caf`
    where = "model.py:5:20: error: "
    assert not shape_problems(err, where), (shape_problems(err, where), err)
    assert "UTF-8" in error_lines(err)[0] and "0xe9" in error_lines(err)[0], err
    assert err.splitlines()[2] == " " * 23 + "^", err  # the caret under that byte
    assert not files_under(tmp_path / "out")


def test_directory_as_path(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("models").mkdir()
    rc, _out, err = compile_cli(capsys, "models", "-o", "out")
    assert rc == 2, err
    assert not shape_problems(err, "models"), (shape_problems(err, "models"), err)
    assert "directory" in error_lines(err)[0], err
    assert not files_under(tmp_path / "out")


def test_missing_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, _out, err = compile_cli(capsys, "nothere.py", "-o", "out")
    assert rc == 2, err
    assert not shape_problems(err, "nothere.py"), (
        shape_problems(err, "nothere.py"),
        err,
    )
    assert "no such file" in error_lines(err)[0], err
    assert not files_under(tmp_path / "out")


def test_missing_file_with_function_selector(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, _out, err = compile_cli(capsys, "nothere.py:f", "-o", "out")
    assert rc == 2, err
    assert not shape_problems(err, "nothere.py"), (
        shape_problems(err, "nothere.py"),
        err,
    )
    assert "no such file" in error_lines(err)[0], err


def test_wrt_names_a_missing_parameter(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(GOOD_MODEL, encoding="utf-8")
    rc, _out, err = compile_cli(capsys, "model.py", "--wrt", "x,z", "-o", "out")
    assert rc == 2, err
    # Located at the function whose parameters are listed.
    assert not shape_problems(err, "model.py:4:1: error: "), (
        shape_problems(err, "model.py:4:1: error: "),
        err,
    )
    head = error_lines(err)[0]
    assert "'z'" in head and "parameters: x, w" in head, err
    assert not files_under(tmp_path / "out")


def test_unknown_function_selector(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(GOOD_MODEL, encoding="utf-8")
    rc, _out, err = compile_cli(capsys, "model.py:nosuchfunc", "-o", "out")
    assert rc == 2, err
    assert not shape_problems(err, "model.py"), (shape_problems(err, "model.py"), err)
    head = error_lines(err)[0]
    assert "'nosuchfunc'" in head and "functions here: f" in head, err
    assert not files_under(tmp_path / "out")


def test_bad_input_with_check_flag_is_an_error_not_stale(tmp_path, capsys, monkeypatch):
    """--check must not report a broken model as merely "stale" (exit 1)."""
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(
        "import numpy as np\n\n\ndef f(x):\n    global y\n    return x\n"
    )
    rc, _out, err = compile_cli(capsys, "model.py", "--check", "-o", "out")
    assert rc == 2, err
    assert not shape_problems(err, "model.py:5:5: error: "), (
        shape_problems(err, "model.py:5:5: error: "),
        err,
    )


# --- pathological sizes ----------------------------------------------------------------------

DEEP = {
    "sum-chain-5000": "import numpy as np\n\n\ndef f(x):\n    return x"
    + " + x" * 5000
    + "\n",
    "unary-minus-5000": "import numpy as np\n\n\ndef f(x):\n    return "
    + "-" * 5000
    + "x\n",
    "nested-parens-1000": "import numpy as np\n\n\ndef f(x):\n    return "
    + "(" * 1000
    + "x"
    + ")" * 1000
    + "\n",
    "nested-calls-150": "import numpy as np\n\n\ndef f(x):\n    return "
    + "np.sin(" * 150
    + "x"
    + ")" * 150
    + "\n",
    "nested-calls-1000": "import numpy as np\n\n\ndef f(x):\n    return "
    + "np.sin(" * 1000
    + "x"
    + ")" * 1000
    + "\n",
    "sum-chain-150": "import numpy as np\n\n\ndef f(x):\n    return x"
    + " + x" * 150
    + "\n",
    "deep-module-constant": "import numpy as np\n\nK = "
    + "[" * 150
    + "]" * 150
    + "\n\n\ndef f(x):\n    return x\n",
    "deep-list-in-function": "import numpy as np\n\n\ndef f(x):\n    y = "
    + "[" * 3000
    + "x"
    + "]" * 3000
    + "\n    return y\n",
}


@pytest.mark.parametrize("source", list(DEEP.values()), ids=list(DEEP))
def test_deeply_nested_expression(source, tmp_path, capsys, monkeypatch):
    """Legal (or nearly legal) but absurdly deep: a clean located error or success, never a crash."""
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(source, encoding="utf-8")
    rc, out, err = compile_cli(
        capsys, "model.py", "-o", "out"
    )  # a RecursionError here fails the test
    assert "Traceback" not in err + out
    assert rc in (0, 2), err
    if rc == 0:
        assert files_under(tmp_path / "out") == ["model_grad.py"]
    else:
        assert not shape_problems(err), (shape_problems(err), err)
        head = error_lines(err)[0]
        m = LOCATED_ERROR.match(head)
        assert (
            m and m.group("path") == "model.py"
        ), f"the error should be located at model.py:LINE:COL, got:\n{err}"
        assert int(m.group("line")) in range(1, source.count("\n") + 1), err
        assert not files_under(tmp_path / "out")


def _huge_sources() -> dict[str, str]:
    imports = "import numpy as np\n\n\n"
    return {
        # 20,000 top-level statements (data, constants) around one small model.
        "20000-module-statements": imports
        + "".join(f"C{i} = {i}.5\n" for i in range(20_000))
        + "\n\ndef f(x):\n    return np.sin(x) * C19999\n",
        # 20,000 helper functions, one public function that uses one of them.
        "20000-private-helpers": imports
        + "".join(
            f"def _h{i}(x):\n    return np.sin(x) * {i}.0\n\n\n" for i in range(20_000)
        )
        + "def f(x):\n    return _h19999(x)\n",
        # A 20,000-statement function whose last statement is unsupported.
        "20000-statements-then-error": imports
        + "def f(x):\n    y = x\n"
        + "".join(f"    y = y + x * {i}.0\n" for i in range(20_000))
        + "    y = {y}\n    return y\n",
        # 20,000 public functions, the last of which is unsupported: every function is checked.
        "20000-functions-last-bad": imports
        + "".join(
            f"def f{i}(x):\n    return np.sin(x) * {i}.0\n\n\n" for i in range(19_999)
        )
        + "def g(x):\n    return {x}\n",
        # Sizes that are compiled all the way through (reduced: see the report on scaling).
        "200-public-functions": imports
        + "".join(
            f"def f{i}(x):\n    return np.sin(x) * {i}.0\n\n\n" for i in range(200)
        ),
        "300-statement-function": imports
        + "def f(x):\n    y = x\n"
        + "".join(f"    y = y + x * {i}.0\n" for i in range(300))
        + "    return y\n",
        # The same, of floats: the float path folds values read once (fuse.py)
        "300-statement-float-function": imports
        + "def f(x: float, w: float):\n    y = x\n"
        + "".join(f"    y = np.sin(y) * w + x * {i}.0\n" for i in range(300))
        + "    return y\n",
    }


HUGE = _huge_sources()


@pytest.mark.parametrize("name", list(HUGE))
def test_huge_file_finishes_cleanly(name, tmp_path):
    source = HUGE[name]
    (tmp_path / "model.py").write_text(source, encoding="utf-8")
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "adgen", "compile", "model.py", "-o", "out"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=90,  # generous: CI shares the machine
        )
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"`adgen compile` on {name} ({source.count(chr(10))} lines) did not finish in 90 s"
        )
    elapsed = time.monotonic() - start
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode in (0, 2), proc.stderr[-3000:]
    if proc.returncode == 2:
        assert len(error_lines(proc.stderr)) == 1, proc.stderr[-3000:]
        assert LOCATED_ERROR.match(error_lines(proc.stderr)[0]), proc.stderr[-3000:]
        assert not files_under(tmp_path / "out")
    else:
        assert files_under(tmp_path / "out") == ["model_grad.py"]
    if name.endswith("error") or name.endswith("bad"):
        assert proc.returncode == 2, proc.stderr[-3000:]
    print(f"{name}: exit {proc.returncode} in {elapsed:.1f} s")


# --- the real console entry point ------------------------------------------------------------


@pytest.mark.parametrize("name", ["syntax_error", "for_else", "unknown_numpy_function"])
def test_console_script_exit_status(name, tmp_path):
    path = CORPUS_DIR / f"{name}.py"
    exp = expectation(path)
    shown = path.relative_to(REPO).as_posix()
    proc = subprocess.run(
        [sys.executable, "-m", "adgen", "compile", shown, "-o", str(tmp_path / "out")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"{shown}:{exp.line}:{exp.col}: error: "), proc.stderr
    assert not files_under(tmp_path / "out")


def test_console_script_usage_error_exit_status(tmp_path):
    """A missing file through the real entry point: exit 2, a message, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "adgen", "compile", "nothere.py", "-o", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "no such file" in proc.stderr


# --- a failed compile leaves earlier output alone --------------------------------------------


def test_failed_compile_leaves_existing_output_byte_identical(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    model = Path("model.py")
    model.write_text(GOOD_MODEL, encoding="utf-8")
    rc, _out, err = compile_cli(capsys, "model.py", "-o", "out")
    assert rc == 0, err
    generated = tmp_path / "out" / "model_grad.py"
    before = generated.read_bytes()
    stat = generated.stat()

    # The model is edited into something adgen rejects, and compiled again.
    model.write_text(
        GOOD_MODEL.replace("    return", "    global x\n    return"),
        encoding="utf-8",
    )
    rc, _out, err = compile_cli(capsys, "model.py", "-o", "out")
    assert rc == 2, err
    assert "Traceback" not in err
    assert generated.read_bytes() == before
    assert generated.stat().st_mtime_ns == stat.st_mtime_ns
    assert files_under(tmp_path / "out") == [
        "model_grad.py"
    ]  # no leftover temporary file


def test_one_bad_file_among_several_writes_nothing(tmp_path, capsys, monkeypatch):
    """Everything is compiled before anything is written: a good file listed first is not written either."""
    monkeypatch.chdir(tmp_path)
    Path("good.py").write_text(GOOD_MODEL, encoding="utf-8")
    Path("bad.py").write_text(
        "import numpy as np\n\n\ndef f(x):\n    return x, x\n", encoding="utf-8"
    )
    rc, _out, err = compile_cli(capsys, "good.py", "bad.py", "-o", "out")
    assert rc == 2, err
    assert not shape_problems(err, "bad.py:5:12: error: "), (
        shape_problems(err, "bad.py:5:12: error: "),
        err,
    )
    assert not files_under(tmp_path / "out")


def test_failed_recompile_of_one_file_keeps_the_other_outputs(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    Path("a.py").write_text(GOOD_MODEL, encoding="utf-8")
    Path("b.py").write_text(GOOD_MODEL.replace("np.sin", "np.cos"), encoding="utf-8")
    rc, _out, err = compile_cli(capsys, "a.py", "b.py", "-o", "out")
    assert rc == 0, err
    snapshot = {
        p: (tmp_path / "out" / p).read_bytes() for p in files_under(tmp_path / "out")
    }
    assert set(snapshot) == {"a_grad.py", "b_grad.py"}

    Path("a.py").write_text(
        GOOD_MODEL.replace("np.sin", "np.fft.fft"), encoding="utf-8"
    )
    Path("b.py").write_text(GOOD_MODEL.replace("np.sin", "np.tanh"), encoding="utf-8")
    rc, _out, err = compile_cli(capsys, "a.py", "b.py", "-o", "out")
    assert rc == 2, err
    assert {
        p: (tmp_path / "out" / p).read_bytes() for p in files_under(tmp_path / "out")
    } == snapshot


@pytest.mark.parametrize(
    "name, hint",
    [
        (
            "invert_mask.py",
            "`np.where(x > 0.0, b, a)` for `np.where(~(x > 0.0), a, b)`, "
            "or write the opposite comparison `x <= 0.0`",
        ),
    ],
)
def test_negation_hint_fits_the_condition(name, hint, tmp_path, capsys):
    """``~mask`` has no derivative rule: the hint rewrites without it."""
    rc, _out, err = compile_cli(capsys, str(CORPUS_DIR / name), "-o", str(tmp_path))
    assert rc == 2 and hint in err, err
