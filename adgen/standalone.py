"""Stand-alone output: the runtime helpers a generated module uses, copied into it.

``adgen compile --standalone`` writes a file that needs numpy (and scipy or
math where the model uses them) but not adgen: where a normal file says::

    from adgen.runtime import numpy_floats_or_raise, unbroadcast

a stand-alone one carries those functions, and what they call, below its
imports, under a comment naming their origin, and has no staleness check
(``warn_if_stale`` would need adgen).  The copies are the functions' own source
(``inspect.getsource``, never re-typed), so they cannot drift from the helpers
the tests check; which helpers, constants and imports to copy is read from the
functions' code objects (the global names they load), not from their text.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Iterable

from . import program as P
from . import runtime
from ._version import __version__

# How the generated file spells the modules the helpers use (numpy as the model
# code spells it, so one import serves both).
MODULE_IMPORTS = {
    "numpy": "import numpy as np",
    "math": "import math",
    "sys": "import sys",
}


def helper_definitions(helpers: Iterable[str]) -> tuple[list[str], list[P.Verbatim]]:
    """The import lines and the definitions (source text, as ``Verbatim``) of
    ``helpers`` (names in ``adgen.runtime.__all__``) and of everything of
    ``adgen.runtime`` they use: constants, then functions in the file's order,
    then the namespaces built from them."""
    names = _closure(helpers)
    imports = sorted({line for n in names for line in _imports_of(getattr(runtime, n))})
    constants = [n for n in names if _is_constant(getattr(runtime, n))]
    functions = sorted(
        (n for n in names if inspect.isfunction(getattr(runtime, n))),
        key=lambda n: inspect.getsourcelines(getattr(runtime, n))[1],
    )
    built = [n for n in names if n not in constants and n not in functions]
    banner = (
        f"# --- adgen {__version__} runtime helpers (adgen/runtime.py), "
        "copied so that this file runs without adgen ---"
    )
    return imports, [
        P.Verbatim(banner),
        *(P.Verbatim(f"{n} = {getattr(runtime, n)!r}", name=n) for n in constants),
        *(_function_definition(n) for n in functions),
        *(P.Verbatim(f"{n} = _{n}()", frozenset({f"_{n}"}), n) for n in built),
    ]


def _function_definition(name: str) -> P.Verbatim:
    function = getattr(runtime, name)
    reads = frozenset(_globals_loaded(function.__code__))
    return P.Verbatim(inspect.getsource(function).rstrip(), reads, name)


def _closure(helpers: Iterable[str]) -> list[str]:
    """``helpers`` and the runtime functions and constants they reach, sorted."""
    found: set[str] = set()
    todo = list(helpers)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        value = getattr(runtime, name)
        if inspect.isfunction(value):
            todo += [n for n in _globals_loaded(value.__code__) if _is_own(n)]
        elif not _is_constant(value):
            todo.append(f"_{name}")  # a namespace like scalar_math: its builder
    return sorted(found)


def _globals_loaded(code: types.CodeType) -> set[str]:
    """The names ``code`` and the code nested in it (comprehensions, closures) load."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _globals_loaded(const)
    return names


def _is_own(name: str) -> bool:
    """Is ``name`` a function or constant that adgen.runtime defines itself?"""
    if name not in vars(runtime) or name.startswith("__"):
        return False  # a builtin (type), an attribute (np.shape's), __name__
    value = vars(runtime)[name]
    if inspect.isfunction(value):
        return value.__module__ == runtime.__name__
    return _is_constant(value) or isinstance(value, types.SimpleNamespace)


def _is_constant(value: object) -> bool:
    """A plain value whose ``repr`` is its source (the tables of runtime.py)."""
    if isinstance(value, dict):
        return all(_is_constant(k) and _is_constant(v) for k, v in value.items())
    if isinstance(value, tuple | frozenset):
        return all(_is_constant(v) for v in value)
    return isinstance(value, str | int | float | bool) or value is None


def _imports_of(value: object) -> list[str]:
    """The import lines the source of ``value`` (a runtime function) needs."""
    if not inspect.isfunction(value):
        return []
    lines = []
    for name in sorted(_globals_loaded(value.__code__)):
        used = vars(runtime).get(name)
        if isinstance(used, types.ModuleType):
            lines.append(MODULE_IMPORTS[used.__name__])
        elif inspect.isclass(used) and used.__module__ != runtime.__name__:
            lines.append(f"from {used.__module__} import {name}")
    return lines
