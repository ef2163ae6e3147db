"""Stage 9, format: black's layout of the emitted module, in time linear in its length.

black costs about half a millisecond a line, whatever the line: a model of a
thousand statements emits forty thousand lines, twenty seconds of black.  But
nearly every line emit prints is already as black would print it (``n4_bar =
n5_bar * np.cos(x1)``), so ``format_program`` gives black only what it may
change, each piece alone:

- the module's header (docstring, imports, the staleness check), and every
  definition copied from the model file or written as comments, whole;
- each emitted function's ``def`` line with its docstring;
- each statement ``stable`` cannot vouch for (too long, quotes, ``**``,
  slices, a parenthesis black might remove...), at its own indentation: black
  lays a statement out by its width, so the statement alone, with the width
  left at its depth, comes out as black lays it out in place.

Every other line is kept as printed.  Definitions are joined by two blank
lines, as black joins top-level definitions.  The result is byte-identical to
``black.format_str`` of the whole module (tests/test_formatting.py checks the
examples, the rule models and the fuzz regressions in every mode).
"""

from __future__ import annotations

import functools
import re

import black

from . import program as P

BLACK_MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=88)
INDENT = P.INDENT

# what black may rewrite in a one-line statement: quotes, backslashes, inline
# comments, powers (operand hugging), trailing commas, a parenthesis that opens
# an expression (redundant ones go), braces, semicolons, doubled spaces, tabs
_UNSTABLE = re.compile(r"""['"\\#;{}\t]|\*\*|,\s*[)\]]|(^|[=\s(\[,])\(|\s\s""")
# headers that cannot stand alone, with the statement that opens them
_OPENERS = {"else": "if x:", "elif": "if x:", "except": "try:", "finally": "try:"}


def black_format(text: str, line_length: int = 88) -> str:
    """``text`` as black formats it, at ``line_length``."""
    mode = BLACK_MODE if line_length == 88 else _mode(line_length)
    return black.format_str(text, mode=mode)


@functools.lru_cache(maxsize=64)
def _mode(line_length: int) -> black.Mode:
    return black.Mode(
        target_versions={black.TargetVersion.PY311}, line_length=line_length
    )


def format_program(program: P.Program, imports: tuple[str, ...]) -> str:
    """What ``black_format(P.print_program(program, imports))`` gives, linearly."""
    header = [*program.header, *imports, *program.imports, *program.stale_check]
    head = black_format("\n".join(header) + "\n")
    parts = [_format_definition(d).rstrip("\n") for d in program.definitions]
    return head + "\n\n" + "\n\n\n".join(parts) + "\n"


def _format_definition(d: P.Definition) -> str:
    if not isinstance(d, P.Function):
        return black_format(P.print_definition(d) + "\n")
    lines = P.print_function(d)
    if any("\n" in line or not line.strip() for line in lines):
        return black_format("\n".join(lines) + "\n")  # not one line a statement
    out = black_format(f"{lines[0]}\n{lines[1]}\n{INDENT}pass\n").splitlines()[:-1]
    for line in lines[2:]:
        statement = line.lstrip(" ")
        depth = (len(line) - len(statement)) // len(INDENT)
        if stable(statement, depth):
            out.append(line)
        else:
            out += _format_statement(statement, depth)
    return "\n".join(out) + "\n"


def stable(statement: str, depth: int) -> bool:
    """Whether black leaves ``statement`` (one line, at ``depth``) as it is."""
    if statement != statement.rstrip():
        return False
    if statement.startswith("#"):  # black never wraps a comment
        return statement == "#" or statement.startswith("# ")
    if len(statement) + len(INDENT) * depth > BLACK_MODE.line_length:
        return False
    code = statement[:-1] if statement.endswith(":") else statement
    return ":" not in code and not _UNSTABLE.search(code)


@functools.lru_cache(maxsize=4096)
def _format_statement(statement: str, depth: int) -> list[str]:
    """black's lines for one statement at ``depth`` (a block header with a body)."""
    width = BLACK_MODE.line_length - len(INDENT) * depth
    if statement.startswith("#") or not statement.endswith(":"):
        lines = black_format(statement + "\n", width).splitlines()
    else:
        opener = _OPENERS.get(statement.split(None, 1)[0].rstrip(":"))
        before = [opener, f"{INDENT}pass"] if opener else []
        text = "\n".join([*before, statement, f"{INDENT}pass"]) + "\n"
        lines = black_format(text, width).splitlines()[len(before) : -1]
    return [INDENT * depth + line if line else line for line in lines]
