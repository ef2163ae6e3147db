"""The front end's first step, parse: read a model file with ``ast`` and resolve
its names statically.

Nothing in the file is imported or executed.  From the module's top level we
keep only what a function body may refer to:

* imports, as a map from local alias to qualified name
  (``np`` -> ``numpy``, ``expit`` -> ``scipy.special.expit``);
* top-level functions (targets to compile, and helpers to inline);
* module constants: names bound exactly once, by a plain top-level assignment,
  to a number known without running anything: a literal (``SCALE = 0.5``,
  ``W = [0.5, -1.0]``), or arithmetic on numbers, earlier constants and
  ``np.pi``/``math.e`` (``TWO_PI = 2 * np.pi``);
* local functions (a ``def`` or ``name = lambda`` inside a function), lifted
  to helpers that take the variables they read as parameters (``lifting.py``);
* module variables: every other name the module binds (``GAIN = GAIN * 2``, a
  name bound under a top-level ``if``/``for``/``with``/``try``, a ``for``
  target, a walrus, ``del``, an import or ``def`` rebinding a constant, a
  ``global`` assignment in any function).  Their value when a function runs is
  not known from the text, so a function reading one is refused (``bindings.py``
  decides, and keeps the reason for the message).

Everything else at top level (data loading, training code, prints) is ignored.
The result is a ``Module`` (``parsed.py``); the functions with a user's derivative
rule are found by the next step, ``custom_discovery.read_rules``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .bindings import classify_names
from .errors import (
    InputFileError,
    Location,
    NoFunction,
    SourceFile,
    SourceSyntaxError,
    UnsupportedSyntax,
)
from .lifting import lift_local_functions
from .parsed import Module

# Expressions nested deeper are refused before any recursive pass reads them:
# with the compiler's stack (limits.py) every pass handles this depth, while
# Python 3.11 itself compiles a sum of only about 1000 terms (`x + x + ...`).
MAX_NESTING = 3000


def read_source(path: str | Path) -> SourceFile:
    """Read ``path`` as UTF-8 text, with a located error for each way it can fail."""
    p = Path(path)
    shown = str(path)
    if p.is_dir():
        raise InputFileError(
            f"{shown} is a directory, not a Python file", Location(shown)
        )
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"no such file: {shown}", Location(shown)) from None
    except OSError as exc:
        raise InputFileError(
            f"cannot read {shown}: {exc.strerror}", Location(shown)
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{shown} is not UTF-8 text: byte 0x{data[exc.start]:02x} (byte {exc.start} of the file) is not valid UTF-8",
            _byte_location(shown, data, exc.start),
            hint="save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8` for a Latin-1 file",
        ) from None
    return SourceFile(shown, text)


def _byte_location(shown: str, data: bytes, offset: int) -> Location:
    """Line and character column of byte ``offset``; the line shown with the bad
    bytes replaced, so the caret display itself can be printed."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    line = data[line_start : line_end if line_end != -1 else len(data)]
    before = data[line_start:offset].decode("utf-8", errors="replace")
    text = line.decode("utf-8", errors="replace").rstrip("\r")
    return Location(shown, data.count(b"\n", 0, offset) + 1, len(before), text)


def parse_module(source: SourceFile) -> Module:
    """Parse ``source`` and collect its imports, functions, constants and variables.

    Custom derivative rules are not read here: that is the next step
    (``custom_discovery.read_rules``), which may parse the modules next to this one.
    """
    if not source.text.strip():
        raise NoFunction("the file is empty", Location(source.path))
    tree = _parse_tree(source)
    module = Module(source, tree)
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            module.imports.update(_import_aliases(stmt))
        elif isinstance(stmt, ast.FunctionDef):
            module.functions[stmt.name] = stmt
        elif isinstance(stmt, ast.AsyncFunctionDef):
            module.async_functions[stmt.name] = stmt
    classify_names(module)
    lift_local_functions(module)
    return module


def _parse_tree(source: SourceFile) -> ast.Module:
    try:
        tree = ast.parse(source.text, filename=source.path)
    except SyntaxError as exc:
        line = exc.lineno or 0
        loc = Location(
            source.path, line, max((exc.offset or 1) - 1, 0), source.line(line)
        )
        raise SourceSyntaxError(f"invalid Python syntax: {exc.msg}", loc) from None
    except (RecursionError, MemoryError):
        # Python's parser gives no position; the longest line is where such nesting lives.
        lines = source.lines or [""]
        number = max(range(len(lines)), key=lambda i: len(lines[i])) + 1
        text = source.line(number)
        raise SourceSyntaxError(
            "this expression is nested too deeply for Python's parser",
            Location(source.path, number, len(text) - len(text.lstrip()), text),
            hint="split the expression into several assignments",
        ) from None
    _check_nesting(tree, source)
    return tree


def _check_nesting(tree: ast.Module, source: SourceFile) -> None:
    """Refuse an expression nested more than ``MAX_NESTING`` levels deep, located
    where the level past the limit starts. Iterative: no recursion to exhaust."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
            if depth > MAX_NESTING:
                raise SourceSyntaxError(
                    f"expression nested more than {MAX_NESTING} levels deep",
                    Location.of(node, source),
                    hint="split the expression into several assignments",
                )
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))


def _import_aliases(stmt: ast.Import | ast.ImportFrom) -> dict[str, str]:
    if isinstance(stmt, ast.Import):
        return {
            a.asname
            or a.name.split(".")[0]: (a.name if a.asname else a.name.split(".")[0])
            for a in stmt.names
        }
    if (
        stmt.level or stmt.module is None
    ):  # relative imports cannot be resolved statically
        return {}
    return {
        a.asname or a.name: f"{stmt.module}.{a.name}"
        for a in stmt.names
        if a.name != "*"
    }


def parse_dotted_name(dotted: str) -> ast.expr:
    """``scipy.special.erfcx`` as an expression tree: a name adgen spells in generated code."""
    return ast.parse(dotted, mode="eval").body


# Decorators the compiler reads statically (adgen/api/decorators.py gives them a no-op run-time meaning).
KNOWN_DECORATORS = ("adgen.wrt", "adgen.shapes", "adgen.has_aux")


def adgen_decorators(module: Module, fn: ast.FunctionDef) -> dict[str, ast.expr]:
    """``{"adgen.wrt": <decorator node>, ...}`` for the decorators of ``fn`` adgen knows."""
    found = {}
    for deco in fn.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        qualified = module.qualified_name(target)
        if qualified in KNOWN_DECORATORS:
            found[qualified] = deco
    return found


def called_helpers(module: Module, fn: ast.FunctionDef) -> list[str]:
    """Names of this file's functions that ``fn`` calls, in source order, without repeats
    (functions with a custom rule are not helpers: they are never inlined)."""
    names: list[str] = []
    for node in ast.walk(fn):
        is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        if (
            is_call
            and node.func.id in module.functions
            and node.func.id not in module.custom
            and node.func.id not in names
        ):
            names.append(node.func.id)
    return names


def reachable_helpers(module: Module, fn: ast.FunctionDef) -> list[ast.FunctionDef]:
    """The helpers ``fn`` calls, directly or through other helpers, in discovery order."""
    seen: dict[str, ast.FunctionDef] = {}
    todo = [fn]
    while todo:
        for name in called_helpers(module, todo.pop()):
            if name not in seen and name != fn.name:
                seen[name] = module.functions[name]
                todo.append(seen[name])
    return list(seen.values())


def select_functions(module: Module, names: list[str] | None) -> list[ast.FunctionDef]:
    """The functions to compile: those named, or by default every public top-level
    function except helpers (functions another one calls, unless marked ``@adgen.wrt``).
    """
    public = [n for n in module.functions if not n.startswith("_")]
    wanted = names or (
        [] if public else [n for n in module.async_functions if not n.startswith("_")]
    )
    for name in wanted:
        if name in module.async_functions:
            raise UnsupportedSyntax(
                f"`async def {name}` cannot be differentiated",
                module.location(module.async_functions[name]),
                hint="write it as a plain `def`",
            )
    if names:
        missing = [n for n in names if n not in module.functions]
        if missing:
            known = ", ".join(module.functions) or "none"
            raise NoFunction(
                f"no top-level function named {missing[0]!r} (functions here: {known})",
                Location(module.source.path),
            )
        return [module.functions[n] for n in names]
    called = {
        h
        for f in module.functions.values()
        for h in called_helpers(module, f)
        if h != f.name
    }
    chosen = [
        f
        for name, f in module.functions.items()
        if not name.startswith("_")
        and name not in module.custom
        and name not in module.rule_functions
        and name not in module.local_helpers
        and (name not in called or "adgen.wrt" in adgen_decorators(module, f))
    ]
    if not chosen:
        raise NoFunction(
            "the file defines no public top-level function to compile",
            Location(module.source.path),
        )
    return chosen
