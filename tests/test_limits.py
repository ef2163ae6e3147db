"""Deep and large models: they compile, or get one located message (adgen/limits.py).

Each program here is generated: chains of helpers calling helpers, expressions
thousands of levels deep, nested blocks, long functions, exponential inlining.
Those within the limits must compile, through the CLI and the runtime API, in
reverse and forward mode, and give the gradient a closed form says (worked by
hand: 2 ** 80 for 80 helpers doubling, the chain rule's recurrence for nested
sines); those beyond must give one ``file:line:col`` error naming the limit,
exit status 2 from the CLI, never a traceback.  Before adgen/limits.py a chain of
300 helpers raised RecursionError, 99 nested conditional expressions an
IndentationError, 20 nested loops took 96 s, and 12 nested early returns ran
for hours.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from test_bad_inputs import LOCATED_ERROR, error_lines, files_under, shape_problems

import adgen
import adgen.limits
from adgen.cli import main
from adgen.errors import AdgenError, RecursionNotSupported, SizeLimit
from adgen.exits import MAX_COPIED_NODES
from adgen.limits import (
    MAX_BLOCK_NESTING,
    MAX_HELPER_DEPTH,
    MAX_INLINED_NODES,
    MAX_LOOP_NESTING,
)
from adgen.parse import MAX_NESTING

HEAD = "import numpy as np\n\n\n"


# --- programs -------------------------------------------------------------------------


def helper_chain(n: int, body: str = "2.0 * {}", signature: str = "x: float") -> str:
    """``f`` calls ``h0``, which calls ``h1``, ..., ``h{n-1}``; each applies ``body``."""
    parts = [HEAD]
    for i in range(n):
        inner = f"h{i + 1}(x)" if i + 1 < n else "x"
        parts.append(f"def h{i}(x):\n    return {body.format(inner)}\n\n\n")
    parts.append(f"def f({signature}):\n    return h0(x)\n")
    return "".join(parts)


def returning(expression: str, signature: str = "x: float") -> str:
    return f"{HEAD}def f({signature}):\n    return {expression}\n"


def nested_ifs(n: int) -> str:
    """``y`` doubled inside ``n`` nested ``if``s, all taken for x > -100."""
    lines = [HEAD, "def f(x: float):\n    y = x\n"]
    for i in range(n):
        lines.append("    " * (i + 1) + f"if x > {-i - 100}.0:\n")
        lines.append("    " * (i + 2) + "y = y * 2.0\n")
    lines.append("    return y\n")
    return "".join(lines)


def nested_loops(n: int, body: str = "y = y * 2.0") -> str:
    lines = [HEAD, "def f(x: float):\n    y = x\n"]
    lines += ["    " * (i + 1) + f"for i{i} in range(1):\n" for i in range(n)]
    lines.append("    " * (n + 1) + body + "\n")
    lines.append("    return y\n")
    return "".join(lines)


def elif_chain(n: int) -> str:
    """Branch ``k`` (``x > 999 - k``) returns ``x * k``; x = 0.5 takes branch 999."""
    lines = [HEAD, "def f(x: float):\n    if x > 1000.0:\n        y = x\n"]
    for k in range(n):
        lines.append(f"    elif x > {999 - k}.0:\n        y = x * {k}.0\n")
    lines.append("    else:\n        y = x * 3.0\n    return y\n")
    return "".join(lines)


def guards(n: int) -> str:
    """``n`` early returns, none taken for x < 1000: y is doubled ``n`` times."""
    lines = [HEAD, "def f(x: float):\n    y = x\n"]
    for i in range(n):
        lines.append(f"    if x > {1000 + i}.0:\n        return y\n    y = y * 2.0\n")
    lines.append("    return y\n")
    return "".join(lines)


def exits_two_deep(n: int) -> str:
    """Each block's continuation is reached on both sides of an exit two ``if``s
    deep: adgen copies it into both, so the code doubles with each block."""
    lines = [HEAD, "def f(x: float):\n    y = x\n"]
    for i in range(n):
        lines.append(
            f"    if x > {1.0 - i}:\n        if x > {2000 + i}.0:\n"
            "            return y\n        y = y * 3.0\n    y = y * 2.0\n"
        )
    lines.append("    return y\n")
    return "".join(lines)


# --- running them ---------------------------------------------------------------------


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"{path.stem}_{id(path)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def model(tmp_path: Path, source: str, name: str = "model"):
    """The model file, written and imported (the runtime API reads its source)."""
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return load(path)


def compiled(tmp_path: Path, source: str, capsys, monkeypatch, mode: str = "reverse"):
    """``adgen compile model.py`` in-process; the generated module, imported."""
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(source, encoding="utf-8")
    rc = main(["compile", "model.py", "-o", "out", "--mode", mode])
    err = capsys.readouterr().err
    assert rc == 0, err
    return load(tmp_path / "out" / "model_grad.py")


def refused(tmp_path: Path, source: str, capsys, monkeypatch) -> tuple[int, int, str]:
    """``adgen compile`` must exit 2 with one located message: (line, col, message)."""
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(source, encoding="utf-8")
    rc = main(["compile", "model.py", "-o", "refused"])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert not shape_problems(err), (shape_problems(err), err)
    m = LOCATED_ERROR.match(error_lines(err)[0])
    assert m and m.group("path") == "model.py", err
    assert not files_under(tmp_path / "refused")
    return int(m.group("line")), int(m.group("col")), m.group("message")


def api_refuses(tmp_path: Path, source: str) -> SizeLimit:
    f = model(tmp_path, source, "api_model").f
    with pytest.raises(SizeLimit) as caught:
        adgen.grad(f)(0.5)
    assert caught.value.location is not None and caught.value.location.line > 0
    return caught.value


def line_of(source: str, text: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``text``."""
    hits = [i + 1 for i, line in enumerate(source.splitlines()) if text in line]
    return hits[occurrence - 1]


def at_stack_depth(frames: int, call):
    """``call()`` from ``frames`` deeper in the caller's stack."""
    return call() if frames <= 0 else at_stack_depth(frames - 1, call)


# --- helpers calling helpers ----------------------------------------------------------


def test_chain_of_80_helpers_doubling(tmp_path, capsys, monkeypatch):
    """d/dx of 2 * 2 * ... * x, 80 helpers deep: 2 ** 80 (was a RecursionError)."""
    source = helper_chain(80)
    generated = compiled(tmp_path, source, capsys, monkeypatch, mode="both")
    assert generated.grad_f(0.5) == (2.0**80,)
    assert generated.jvp_f(0.5, 1.0) == (2.0**80 * 0.5, 2.0**80)
    f = model(tmp_path, source).f
    assert adgen.grad(f)(0.5) == 2.0**80
    assert adgen.grad(f, mode="forward")(0.5) == 2.0**80
    assert adgen.jvp(f)(0.5, 1.0) == (2.0**80 * 0.5, 2.0**80)
    assert adgen.hessian(f)(0.5) == 0.0


def test_chain_of_helpers_compiles_whatever_the_callers_stack(tmp_path):
    """The compiler runs on its own stack: a caller 100 frames short of the
    recursion limit still compiles 300 helpers adding 1."""
    f = model(tmp_path, helper_chain(300, "{} + 1.0", "x")).f
    depth = sys.getrecursionlimit() - len(_frames()) - 100
    value, gradient = at_stack_depth(depth, lambda: adgen.value_and_grad(f)(0.5))
    assert (value, gradient) == (300.5, 1.0)


def _frames() -> list:
    import inspect

    return inspect.stack(0)


def test_second_derivative_through_80_helpers(tmp_path):
    """80 nested sines: the chain rule's recurrence by hand, for the first and the
    second derivative (d1' = cos(y) d1, d2' = cos(y) d2 - sin(y) d1 ** 2)."""
    f = model(tmp_path, helper_chain(80, "np.sin({})")).f
    y, d1, d2 = 0.7, 1.0, 0.0
    for _ in range(80):
        y, d1, d2 = np.sin(y), np.cos(y) * d1, np.cos(y) * d2 - np.sin(y) * d1**2
    assert adgen.grad(f)(0.7) == pytest.approx(d1, rel=1e-12)
    assert adgen.hessian(f)(0.7) == pytest.approx(d2, rel=1e-10)


def test_helpers_at_the_depth_limit_compile_and_one_more_is_refused(
    tmp_path, capsys, monkeypatch
):
    f = model(tmp_path, helper_chain(MAX_HELPER_DEPTH, "{} + 1.0"), "at_limit").f
    assert adgen.value_and_grad(f)(0.5) == (MAX_HELPER_DEPTH + 0.5, 1.0)
    source = helper_chain(MAX_HELPER_DEPTH + 1)
    line, col, message = refused(tmp_path, source, capsys, monkeypatch)
    assert (line, col) == (line_of(source, f"h{MAX_HELPER_DEPTH}(x)"), 18)
    assert f"helpers nested more than {MAX_HELPER_DEPTH} deep" in message
    assert "f -> h0 -> h1 -> ... ->" in message
    assert "helpers nested more than" in str(api_refuses(tmp_path, source))


def test_exponential_inlining_is_refused_quickly(tmp_path, capsys, monkeypatch):
    """30 helpers each calling the next twice would inline 2 ** 30 copies."""
    parts = [HEAD]
    for i in range(30):
        inner = f"h{i + 1}(x) + h{i + 1}(x)" if i < 29 else "x"
        parts.append(f"def h{i}(x):\n    return {inner}\n\n\n")
    parts.append("def f(x: float):\n    return h0(x)\n")
    start = time.monotonic()
    _, col, message = refused(tmp_path, "".join(parts), capsys, monkeypatch)
    assert time.monotonic() - start < 10
    assert f"more than {MAX_INLINED_NODES:,} syntax-tree nodes" in message
    assert "in `h" in message and col == 12


def test_a_long_cycle_of_helpers_is_refused_as_recursion(tmp_path, capsys, monkeypatch):
    """h0 -> h1 -> ... -> h1999 -> h0: the recursion check walks without recursing."""
    source = helper_chain(2000).replace("return 2.0 * x\n", "return 2.0 * h0(x)\n")
    line, col, message = refused(tmp_path, source, capsys, monkeypatch)
    assert message.startswith("recursive call (h0 -> h1 -> h2")
    assert (line, col) == (line_of(source, "2.0 * h0(x)"), 18)


def test_diamonds_of_helpers_are_checked_in_linear_time(tmp_path, capsys, monkeypatch):
    """Each level calls two helpers that both call the next level: 2 ** 40 paths,
    which the recursion check once walked one by one."""
    parts = [HEAD]
    for i in range(40):
        nxt = f"a{i + 1}(x) * b{i + 1}(x)" if i < 39 else "x"
        parts.append(f"def a{i}(x):\n    return {nxt}\n\n\n")
        parts.append(f"def b{i}(x):\n    return {nxt}\n\n\n")
    parts.append("def f(x: float):\n    return a0(x) + b0(x)\n")
    start = time.monotonic()
    _, _, message = refused(tmp_path, "".join(parts), capsys, monkeypatch)
    assert time.monotonic() - start < 10
    assert "syntax-tree nodes" in message


# --- deep expressions -----------------------------------------------------------------


def test_sum_of_2000_terms(tmp_path, capsys, monkeypatch):
    """x + x + ... + x, 2000 terms: 1999 levels of nesting. Gradient 2000."""
    source = returning(" + ".join(["x"] * 2000))
    assert compiled(tmp_path, source, capsys, monkeypatch).grad_f(0.5) == (2000.0,)


def test_deep_expressions_through_the_runtime_api(tmp_path):
    """2001 unary minuses (derivative -1); 150 nested np.sin (the recurrence)."""
    minus = model(tmp_path, returning("-" * 2001 + "x", "x"), "minus").f
    assert adgen.value_and_grad(minus)(0.5) == (-0.5, -1.0)
    assert adgen.jvp(minus)(0.5, 1.0) == (-0.5, -1.0)
    sines = model(tmp_path, returning("np.sin(" * 150 + "x" + ")" * 150), "sines").f
    y, d = 0.9, 1.0
    for _ in range(150):
        y, d = np.sin(y), np.cos(y) * d
    assert adgen.grad(sines)(0.9) == pytest.approx(d, rel=1e-12)
    assert adgen.grad(sines, mode="forward")(0.9) == pytest.approx(d, rel=1e-12)


def test_expression_past_the_nesting_limit(tmp_path, capsys, monkeypatch):
    source = returning(" + ".join(["x"] * (MAX_NESTING + 2)))
    line, col, message = refused(tmp_path, source, capsys, monkeypatch)
    assert line == 5 and col > 1
    assert message == f"expression nested more than {MAX_NESTING} levels deep"


@pytest.mark.parametrize("terms", [20_000, 100_000])
def test_expression_too_deep_for_pythons_parser(tmp_path, capsys, monkeypatch, terms):
    """Python's own parser (or adgen's nesting limit) refuses it: located either way."""
    line, _, message = refused(
        tmp_path, returning(" + ".join(["x"] * terms)), capsys, monkeypatch
    )
    assert line == 5
    assert "nested" in message


# --- nested blocks ----------------------------------------------------------------------


def test_blocks_at_the_nesting_limit(tmp_path, capsys, monkeypatch):
    """90 nested ifs compile to a module Python imports; the 91st is refused there."""
    generated = compiled(tmp_path, nested_ifs(MAX_BLOCK_NESTING), capsys, monkeypatch)
    assert generated.grad_f(0.5) == (2.0**MAX_BLOCK_NESTING,)
    source = nested_ifs(MAX_BLOCK_NESTING + 1)
    line, col, message = refused(tmp_path, source, capsys, monkeypatch)
    assert line == line_of(source, f"if x > {-MAX_BLOCK_NESTING - 100}.0:")
    assert col == 4 * (MAX_BLOCK_NESTING + 1) + 1
    assert f"blocks nested more than {MAX_BLOCK_NESTING} deep" in message


def test_elif_chains_nest_in_the_generated_code(tmp_path, capsys, monkeypatch):
    generated = compiled(
        tmp_path, elif_chain(MAX_BLOCK_NESTING - 1), capsys, monkeypatch
    )
    assert generated.grad_f(0.5) == (3.0,)  # x = 0.5 passes every test: the else
    assert generated.grad_f(975.5) == (24.0,)  # x > 975 first: branch k = 24
    source = elif_chain(MAX_BLOCK_NESTING)
    line, _, message = refused(tmp_path, source, capsys, monkeypatch)
    assert line == line_of(source, f"elif x > {999 - MAX_BLOCK_NESTING + 1}.0:")
    assert "`elif` branches" in message
    assert "blocks nested" in str(api_refuses(tmp_path, source))


def test_conditional_expressions_are_blocks(tmp_path, capsys, monkeypatch):
    expression = "x"
    for i in range(MAX_BLOCK_NESTING + 1):
        expression = f"{expression} * 2.0 if x > {-i - 1000}.0 else x"
    _, _, message = refused(tmp_path, returning(expression), capsys, monkeypatch)
    assert "conditional expressions" in message


def test_guards_compile_and_a_long_chain_of_them_is_refused_quickly(
    tmp_path, capsys, monkeypatch
):
    """Code after ``if ...: return`` moves into the else: 3000 guards would nest
    3000 deep. Refused before normalizing (it took 125 s to get there)."""
    generated = compiled(tmp_path, guards(30), capsys, monkeypatch)
    assert generated.grad_f(0.5) == (2.0**30,)
    assert generated.grad_f(1000.5) == (1.0,)  # returns at the first guard
    source = guards(3000)
    start = time.monotonic()
    line, _, message = refused(tmp_path, source, capsys, monkeypatch)
    assert time.monotonic() - start < 30
    assert line == line_of(source, f"if x > {1000 + MAX_BLOCK_NESTING}.0:")
    assert "early `return`" in message


def test_loops_at_pythons_limit_compile(tmp_path, capsys, monkeypatch):
    """20 nested loops: Python 3.11 and 3.12 compile no more. It took 96 s (the
    liveness pass walked each loop body twice: 2 ** 20 walks)."""
    start = time.monotonic()
    generated = compiled(
        tmp_path, nested_loops(MAX_LOOP_NESTING), capsys, monkeypatch, mode="both"
    )
    assert time.monotonic() - start < 30
    assert generated.grad_f(0.5) == (2.0,)
    assert generated.jvp_f(0.5, 1.0) == (1.0, 2.0)
    source = nested_loops(MAX_LOOP_NESTING + 1)
    line, col, message = refused(tmp_path, source, capsys, monkeypatch)
    assert (line, col) == (line_of(source, f"for i{MAX_LOOP_NESTING} in"), 85)
    assert f"loops nested more than {MAX_LOOP_NESTING} deep" in message


def test_loops_are_counted_through_helpers(tmp_path, capsys, monkeypatch):
    """12 loops in a helper called inside 10 loops: 22 in the generated code (the
    helper's 30 nested ifs, deeper but loopless, must not hide its loops)."""
    ifs = ["    " * (i + 1) + "if x > -100.0:\n" for i in range(30)]
    inner = (
        [*ifs, "    " * 31 + "x = x * 2.0\n"]
        + ["    " * (i + 1) + f"for j{i} in range(1):\n" for i in range(12)]
        + [
            "    " * 13 + "x = x * 2.0\n",
            "    return x\n",
        ]
    )
    source = nested_loops(10, "y = g(y)") + "\n\ndef g(x):\n" + "".join(inner)
    line, _, message = refused(tmp_path, source, capsys, monkeypatch)
    assert line == line_of(source, "y = g(y)")
    assert "counting the loops of inlined helpers" in message


def test_code_copied_under_nested_exits(tmp_path, capsys, monkeypatch):
    """Three blocks compile (checked against central differences); twelve would
    copy 2 ** 12 continuations, and are refused in a second."""
    generated = compiled(tmp_path, exits_two_deep(3), capsys, monkeypatch)
    f = model(tmp_path, exits_two_deep(3), "exits").f
    for x in (0.5, -0.5, -1.5, 2.5):
        fd = (f(x + 1e-6) - f(x - 1e-6)) / 2e-6
        assert generated.grad_f(x)[0] == pytest.approx(fd, rel=1e-6)
    start = time.monotonic()
    _, _, message = refused(tmp_path, exits_two_deep(12), capsys, monkeypatch)
    assert time.monotonic() - start < 10
    assert f"more than {MAX_COPIED_NODES:,} syntax-tree nodes" in message


# --- long functions -------------------------------------------------------------------


def test_function_of_3000_statements(tmp_path, capsys, monkeypatch):
    """y = x, then y = y + x 3000 times: value 3001 x, gradient 3001."""
    source = HEAD + "def f(x: float):\n    y = x\n" + "    y = y + x\n" * 3000
    source += "    return y\n"
    generated = compiled(tmp_path, source, capsys, monkeypatch)
    assert generated.value_and_grad_f(0.5) == (1500.5, (3001.0,))


# --- what is left: the stack itself ----------------------------------------------------


def test_too_deep_for_the_compilers_stack_is_one_located_error(
    tmp_path, capsys, monkeypatch
):
    """Each limit met but not all at once: 20 helpers, each calling the next under
    2000 unary minuses, go past the compiler's 100,000 frames."""
    parts = [HEAD]
    for i in range(20):
        call = f"h{i + 1}(x)" if i < 19 else "x"
        parts.append(f"def h{i}(x):\n    return " + "-" * 2000 + call + "\n\n\n")
    parts.append("def f(x: float):\n    return h0(x)\n")
    source = "".join(parts)
    line, col, message = refused(tmp_path, source, capsys, monkeypatch)
    assert (line, col) == (line_of(source, "def f(x: float):"), 1)
    assert "nests too deeply for adgen to compile" in message
    assert sys.getrecursionlimit() < adgen.limits.COMPILER_RECURSION_LIMIT


def test_without_a_thread_of_its_own_the_compiler_still_refuses_cleanly(
    tmp_path, capsys, monkeypatch
):
    """Where threads cannot have a large stack, compiling runs in the caller's:
    small chains compile, long ones get the located message, not a traceback."""

    def fixed(size=0):
        raise ValueError("size not valid")

    monkeypatch.setattr(threading, "stack_size", fixed)
    small = model(tmp_path, helper_chain(10), "small").f
    assert adgen.grad(small)(0.5) == 2.0**10
    source = helper_chain(400, "{} + 1.0")
    line, col, message = refused(tmp_path, source, capsys, monkeypatch)
    assert (line, col) == (line_of(source, "def f(x: float):"), 1)
    assert "nests too deeply" in message


def test_recursion_limit_is_restored(tmp_path):
    """After a compile, after a refused one, and after compiles from several threads."""
    limit = sys.getrecursionlimit()
    f = model(tmp_path, helper_chain(50, "{} + 1.0", "x"), "restored").f
    assert adgen.grad(f)(0.5) == 1.0
    with pytest.raises(AdgenError):
        adgen.grad(model(tmp_path, helper_chain(MAX_HELPER_DEPTH + 1), "deep").f)(0.5)
    results = []

    def compile_one(k: int) -> None:
        g = model(tmp_path, helper_chain(40 + k, "{} + 1.0", "x"), f"t{k}").f
        results.append(adgen.value_and_grad(g)(0.5))

    threads = [threading.Thread(target=compile_one, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [(40.5 + k, 1.0) for k in range(4)]
    assert sys.getrecursionlimit() == limit


def test_real_entry_point_on_a_deep_model(tmp_path):
    """The console command, in its own process: exit 2, one located line, no traceback."""
    (tmp_path / "model.py").write_text(helper_chain(MAX_HELPER_DEPTH + 1))
    proc = subprocess.run(
        [sys.executable, "-m", "adgen", "compile", "model.py", "-o", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert not shape_problems(proc.stderr), proc.stderr
    assert LOCATED_ERROR.match(error_lines(proc.stderr)[0])


def test_recursion_is_still_refused_as_recursion(tmp_path):
    f = model(tmp_path, HEAD + "def f(x):\n    return f(x * 0.5) + x\n", "rec").f
    with pytest.raises(RecursionNotSupported):
        adgen.grad(f)(np.ones(2))
