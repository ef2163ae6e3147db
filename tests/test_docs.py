"""The documentation's code blocks run: every ```python block of docs/ and README.md.

Each python block runs as a script file of its own (so that `adgen.grad` finds
the source of the functions it defines), in a fresh namespace, from the
repository root. A block that is not meant to run (a fragment of generated
code, a table row of rules.py) is preceded by the marker line

    <!-- docs-test: skip (why) -->

and a block that goes on from the previous python block of its page (the
setup it needs is shown just before it) by

    <!-- docs-test: continue -->

in which case both run together, in one file. A block that needs a library
outside the `[test]` extra (the export how-to needs jax or torch) says so,

    <!-- docs-test: requires jax -->

and is skipped, with that reason, where the library is absent (`.ci/run`
installs the `[export]` extra, so CI runs it). Every `adgen ...` command in a
```bash block must be accepted by adgen's own argument parser. These tests need
only the `[test]` extra: they read the Markdown themselves, not through mkdocs.
"""

from __future__ import annotations

import re
import runpy
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
MARKER = re.compile(r"<!--\s*docs-test:\s*(\w+)\b\s*(.*?)\s*-->")
MARKERS = {"skip", "continue", "requires"}
FENCE = re.compile(r"^\s*(```+)\s*(\w*)\s*$")
README_LIMIT = 12 * 1024


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page: where it starts, its language and text."""

    page: Path
    line: int
    language: str
    text: str
    marker: str | None
    argument: str = ""  # what follows the marker's verb: `requires jax` -> "jax"

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def fenced_blocks(page: Path) -> list[Block]:
    """The page's fenced blocks, in order, each with the marker just above it."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks, index = [], 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, language = opening.groups()
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        body = textwrap.dedent("\n".join(lines[index + 1 : end])) + "\n"
        marker, argument = _marker_above(lines, index)
        blocks.append(Block(page, index + 1, language, body, marker, argument))
        index = end + 1
    return blocks


def _marker_above(lines: list[str], fence_index: int) -> tuple[str | None, str]:
    """The docs-test verb (and its argument) on the last non-blank line before a fence."""
    for line in reversed(lines[:fence_index]):
        if line.strip():
            found = MARKER.search(line)
            return (found.group(1), found.group(2)) if found else (None, "")
    return None, ""


def _all_blocks() -> list[Block]:
    return [block for page in PAGES for block in fenced_blocks(page)]


def runnable_python() -> list[tuple[str, str, str]]:
    """(name, script, required module) per python block to run; a `continue`
    block carries the script of the block it goes on from."""
    scripts: list[tuple[str, str, str]] = []
    previous: dict[Path, str] = {}
    for block in _all_blocks():
        if block.language != "python" or block.marker == "skip":
            continue
        script = block.text
        if block.marker == "continue":
            assert block.page in previous, f"{block.name}: nothing to continue from"
            script = previous[block.page] + script
        previous[block.page] = script
        required = block.argument if block.marker == "requires" else ""
        scripts.append((block.name, script, required))
    return scripts


def adgen_commands() -> list[tuple[str, list[str]]]:
    """(name, argv after `adgen`) for each adgen command of each bash block."""
    commands = []
    for block in _all_blocks():
        if block.language not in ("bash", "sh", "console"):
            continue
        text = block.text.replace("\\\n", " ")
        for number, line in enumerate(text.splitlines()):
            for command in _simple_commands(line.removeprefix("$ ")):
                if command[:1] == ["adgen"]:
                    commands.append((f"{block.name}+{number + 1}", command[1:]))
    return commands


def _simple_commands(line: str) -> list[list[str]]:
    """The commands of one shell line, split at `&&`, `||`, `;` and `|`."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in ("&&", "||", ";", "|"):
            commands.append([])
        else:
            commands[-1].append(token)
    return [command for command in commands if command]


@pytest.mark.parametrize(
    ("name", "script", "required"),
    runnable_python(),
    ids=[n for n, _, _ in runnable_python()],
)
def test_python_block_runs(name, script, required, tmp_path, monkeypatch):
    if required:
        pytest.importorskip(
            required, reason=f"{name} needs {required}: pip install -e '.[export]'"
        )
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    path = tmp_path / (re.sub(r"\W", "_", name) + ".py")
    path.write_text(script, encoding="utf-8")
    runpy.run_path(str(path), run_name="__main__")


@pytest.mark.parametrize(
    ("name", "argv"), adgen_commands(), ids=[n for n, _ in adgen_commands()]
)
def test_adgen_command_parses(name, argv):
    from adgen import cli

    try:
        arguments = cli._parser().parse_args(argv)
    except SystemExit as stop:  # argparse's way of refusing (or of --help/--version)
        assert stop.code == 0, f"{name}: `adgen {shlex.join(argv)}` does not parse"
        return
    assert arguments.command is not None, f"{name}: no subcommand"


def test_the_pages_have_python_blocks_and_adgen_commands():
    # guards the collectors: an empty list would make the tests above pass vacuously
    assert len(runnable_python()) >= 10
    assert len(adgen_commands()) >= 5


def test_markers_are_known_and_mark_a_block():
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            found = MARKER.search(line)
            if not found:
                continue
            where = f"{page.relative_to(ROOT)}:{number + 1}"
            assert found.group(1) in MARKERS, f"{where}: unknown marker"
            following = next((ln for ln in lines[number + 1 :] if ln.strip()), "")
            assert FENCE.match(following), f"{where}: the marker is not above a block"


def test_readme_is_a_front_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) <= README_LIMIT
    for command in (
        "python -m pip install -e '.[lab]' && python examples/lab7/run_lab.py",
        "python -m pip install -e '.[test]' && python -m pytest",
    ):
        assert command in readme
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).is_file(), f"README links to a missing page: {link}"
