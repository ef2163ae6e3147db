"""Reading a function's source text, as adgen compiles it: the file on disk now, or a notebook cell.

``function_text(f)`` gives ``(path, text)``: the text of the file that defines
``f`` (through linecache, so an edited and reloaded module is read anew), or
``inspect.getsource`` where the file is not on disk.  In a notebook, the
imports and helpers ``f`` uses from other cells are appended from its globals.
Constants ``f`` reads are checked against their live values: a model whose
running module disagrees with its text is refused rather than differentiated
wrongly.  A bottom layer of the API: nothing here compiles.
"""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import reprlib
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np

from ..bindings import computed_when_run, module_variable_hint, read_when_run
from ..errors import BadWrt, SourceFile, SourceUnavailable, UnresolvedName
from ..limits import with_compiler_stack
from ..parse import Module, parse_module, reachable_helpers


def function_text(f: Callable) -> tuple[str, str]:
    """The text of the file that defines ``f``, as it is now on disk (or in a notebook cell)."""
    if hasattr(f, "__adgen_aux_gradient_of__"):
        raise BadWrt(
            f"`{f.__name__}` returns (gradient, aux): adgen cannot differentiate it again",
            hint="differentiate a function without aux, e.g. adgen.grad(adgen.grad(g)) "
            "where g returns only the loss",
        )
    path = inspect.getsourcefile(f) or f"<{f.__name__}>"
    # an edited and reloaded module must not reuse stale text
    linecache.checkcache(path)
    text = "".join(linecache.getlines(path)) or _getsource(f)
    text += _from_other_cells(f, text)
    _check_live_constants(f, path, text)
    return path, text


def _check_live_constants(f: Callable, path: str, text: str) -> None:
    """Refuse where a constant ``f`` reads has another value in the running module
    than the one the file binds it to once: something adgen cannot see rebound it
    (another notebook cell, ``exec``, ``globals()``, another module's assignment)."""
    module = _scanned(path, text)
    for name in sorted(global_names(f) & module.constants.keys()):
        if name not in f.__globals__:  # not bound yet: the file binds it later
            continue
        written = module.constants[name]
        expected, live = ast.literal_eval(written), f.__globals__[name]
        if not _same_constant(live, expected):
            raise UnresolvedName(
                f"`{name}` is {reprlib.repr(live)} where `{f.__name__}` runs, but the "
                f"file binds it once, to {expected!r}: something adgen cannot see "
                "rebound it (another notebook cell, exec, globals(), another module)",
                module.location(written),
                hint=module_variable_hint(name),
            )


def live_inputs(f: Callable, path: str, text: str) -> tuple[str, ...]:
    """Module-level variables ``f`` reads whose value only running the file gives
    (``W0 = np.eye(3)``) and that hold a number or an array where ``f`` runs: the
    runtime API passes their live values, read at each call, as extra inputs."""
    if hasattr(f, "__adgen_gradient_of__"):  # gradient code: its inputs are its own
        return ()
    module = _scanned(path, text)
    found = {
        name
        for name in global_names(f) & module.variables.keys()
        if computed_when_run(module, name) and _is_numeric(f.__globals__.get(name))
    }
    fn = module.functions.get(f.__name__)  # in the order the CLI takes them
    read = read_when_run(module, [fn, *reachable_helpers(module, fn)]) if fn else ()
    return tuple(n for n in read if n in found) + tuple(sorted(found - set(read)))


def live_values(f: Callable, names: tuple[str, ...]) -> tuple:
    """The values ``names`` have now where ``f`` runs."""
    return tuple(f.__globals__[name] for name in names)


def with_live_inputs(
    f: Callable, namespace: dict[str, Any], names: tuple[str, ...]
) -> dict[str, Any]:
    """``namespace`` with each function that takes ``f``'s arguments (forward_f,
    grad_f, value_and_grad_f, jvp_f) given the live values, by keyword."""
    wrapped = dict(namespace)
    for role in ("forward", "grad", "value_and_grad", "jvp"):
        name = f"{role}_{f.__name__}"
        if name in namespace:
            wrapped[name] = _passing_live(namespace[name], f, names)
    return wrapped


def _passing_live(generated: Callable, f: Callable, names: tuple[str, ...]) -> Callable:
    def call(*args: Any) -> Any:
        return generated(*args, **dict(zip(names, live_values(f, names), strict=True)))

    return call


def _is_numeric(value: Any) -> bool:
    return isinstance(value, (int, float, np.ndarray, np.number)) and not isinstance(
        value, bool
    )


@functools.lru_cache(maxsize=32)
def _scanned(path: str, text: str) -> Module:
    # on the compiler's stack: the scan recurses as deep as the model's expressions
    return with_compiler_stack(lambda: parse_module(SourceFile(path, text)))


def global_names(f: Callable) -> set[str]:
    """The global names ``f`` reads, and those the functions of its module it uses read."""
    names: set[str] = set()
    todo, seen = [f], set()
    while todo:
        fn = todo.pop()
        codes = [getattr(fn, "__code__", None)]
        while codes:
            code = codes.pop()
            if code is None or id(code) in seen:
                continue
            seen.add(id(code))
            names.update(code.co_names)
            codes += [c for c in code.co_consts if inspect.iscode(c)]
            for name in code.co_names:
                value = fn.__globals__.get(name)
                if inspect.isfunction(value) and value.__module__ == f.__module__:
                    todo.append(value)
    return names


def _same_constant(live: Any, expected: Any) -> bool:
    """The same number, or list or tuple of numbers, of the same types."""
    if type(live) is not type(expected):
        return False
    if isinstance(expected, (list, tuple)):
        return len(live) == len(expected) and all(
            _same_constant(a, b) for a, b in zip(live, expected, strict=True)
        )
    return bool(live == expected)


# co_filename of code that Python compiled from text it then discarded
_NO_SOURCE = {
    "<string>": "in `python -c` or by exec()",
    "<stdin>": "in the interactive interpreter",
}


def _getsource(f: Callable) -> str:
    """``inspect.getsource(f)``, with a clear error where Python kept no source."""
    try:
        return inspect.getsource(f)
    except (OSError, TypeError):
        where = _NO_SOURCE.get(
            getattr(getattr(f, "__code__", None), "co_filename", ""),
            "somewhere Python kept no source text for",
        )
        raise SourceUnavailable(
            f"cannot read the source of `{f.__name__}`: it was defined {where}, "
            "and adgen needs the source text of a function to differentiate it"
        ) from None


def _from_other_cells(f: Callable, text: str) -> str:
    """Imports and helpers ``f`` uses that its file does not define.

    In a notebook each cell is its own file: ``import numpy as np`` and ``relu``
    often live in other cells. They are looked up in ``f.__globals__`` (the
    running function's, never by executing anything) and appended as source,
    after the cell's own lines so that reported line numbers stay right.
    """
    try:  # parsed where the compiler parses: on its stack, one parse at a time
        tree = with_compiler_stack(lambda: ast.parse(text))
    except (SyntaxError, RecursionError, MemoryError):
        return ""  # compile_source reports it, located
    known = {
        n.asname or n.name.split(".")[0]
        for s in tree.body
        if isinstance(s, (ast.Import, ast.ImportFrom))
        for n in s.names
    }
    defined = {s.name for s in tree.body if isinstance(s, ast.FunctionDef)}
    known |= defined
    extra: list[str] = []
    todo, visited = [f], {f.__name__}
    while todo:
        fn = todo.pop()
        for name in fn.__code__.co_names:
            value = fn.__globals__.get(name)
            if name in defined and name not in visited and inspect.isfunction(value):
                visited.add(name)  # a helper beside f: its source is here, its
                todo.append(value)  # globals may be other cells' (np)
            if name in known or value is None:
                continue
            if inspect.ismodule(value):
                extra.append(f"import {value.__name__} as {name}")
            elif inspect.isfunction(value) and value.__module__ == f.__module__:
                extra.append(textwrap.dedent(_getsource(value)))
                todo.append(value)
            else:
                continue
            known.add(name)
    return (
        "\n\n# From other cells, via the function's globals:\n" + "\n".join(extra)
        if extra
        else ""
    )
