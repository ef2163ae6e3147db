"""Every name in emitted code is decided here, deterministically.

* Temporaries are ``n<k>``, where ``k`` is the node's position in the graph,
  counted after the parameters, as the lecture numbers ``v1, v2, v3 ...``:
  in ``f(x1, x2)`` the first operation is ``n3``.
* User variables keep their names; a re-assignment gets ``<name>_2``,
  ``<name>_3`` (static single assignment: the backward sweep needs both).
* Adjoints are ``<name>_bar``; tangents (forward mode) ``<name>_dot``.
* Names the emitted module itself uses (``np``, ``math``, ``tape``, runtime
  helpers) are never given to a user variable: one that clashes gets a ``_``.

No counters that depend on anything but the source; no random ids.
"""

from __future__ import annotations

import ast
import builtins
import keyword

from .runtime import __all__ as RUNTIME_HELPERS

# Names the emitted module binds or reads globally.
EMITTED_GLOBALS = frozenset({"np", "math", "scipy", "adgen", "tape", *RUNTIME_HELPERS})


def identifiers(*trees: ast.AST) -> set[str]:
    """Every identifier that appears in the given trees (names, params, attributes)."""
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                found.add(node.id)
            elif isinstance(node, ast.arg):
                found.add(node.arg)
    return found


class Namer:
    """Allocates primal names for one function being compiled."""

    def __init__(self, taken: set[str]):
        self._taken = set(taken) | EMITTED_GLOBALS  # never used for a *fresh* temporary
        self._defined: set[str] = set()  # names already given out
        self._versions: dict[str, int] = {}

    def safe(self, name: str) -> str:
        """``name`` itself, unless the emitted module needs it for itself."""
        while (
            name in EMITTED_GLOBALS or keyword.iskeyword(name) or name in dir(builtins)
        ):
            name += "_"
        return name

    def param(self, name: str) -> str:
        out = self.safe(name)
        while out in self._defined:  # `tape` and `tape_` must not both become `tape_`
            out += "_"
        self._defined.add(out)
        return out

    def user(self, name: str) -> str:
        """A new version of the user variable ``name``: ``h``, then ``h_2``, ``h_3``..."""
        base = self.safe(name)
        if base not in self._defined:
            self._defined.add(base)
            return base
        version = self._versions.get(base, 1)
        while True:
            version += 1
            candidate = f"{base}_{version}"
            if candidate not in self._defined and candidate not in self._taken:
                break
        self._versions[base] = version
        self._defined.add(candidate)
        return candidate

    def temp(self, index: int) -> str:
        """The temporary for graph node ``index``: ``n<index>``."""
        candidate = f"n{index}"
        while candidate in self._taken or candidate in self._defined:
            candidate += "_"
        self._defined.add(candidate)
        return candidate

    @property
    def taken(self) -> frozenset[str]:
        """Identifiers of the user's code and of the emitted module."""
        return frozenset(self._taken)

    @property
    def defined(self) -> frozenset[str]:
        return frozenset(self._defined)


def suffixed(name: str, suffix: str, primal_names: frozenset[str] | set[str]) -> str:
    """``x`` -> ``x_bar`` (or ``x_dot``), made unique against every primal name."""
    candidate = f"{name}_{suffix}"
    while candidate in primal_names:
        candidate += "_"
    return candidate


def bar(name: str, primal_names: frozenset[str] | set[str]) -> str:
    """The adjoint of ``name``: ``x`` -> ``x_bar``."""
    return suffixed(name, "bar", primal_names)
