"""Whether a function's compiled gradient is still the right one, tested in microseconds.

The runtime API caches what it compiled for a function on the function's code
object; before reusing it, ``Stamp.fresh`` checks what could have changed
since without the code object changing:

- the file on disk (edited, not reloaded: adgen compiles the file's text as it
  is now), by its modification time and size, one ``os.stat``;
- the globals the function and its helpers read (a helper or constant
  redefined in another notebook cell, ``np`` rebound): each is the same object
  as when the gradient was compiled, or the source is read again.

A notebook cell has no file; its text cannot change under its name (a cell run
again is a new name and a new code object).  A bottom layer of the API.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .reading import global_names

_MISSING = object()  # a global not bound (yet): binding it later is a change


@dataclass(frozen=True)
class Stamp:
    """What ``f`` read when it was compiled: its file's state and its globals."""

    namespace: dict[str, Any]
    file: tuple[int, int] | None
    values: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, f: Callable) -> Stamp:
        """Taken before the source is read: an edit in between makes it stale, not lost."""
        namespace = f.__globals__
        values = tuple(
            (name, namespace.get(name, _MISSING)) for name in sorted(global_names(f))
        )
        return cls(namespace, _file_state(f.__code__.co_filename), values)

    def fresh(self, f: Callable) -> bool:
        """``f`` would be compiled from the same text, with the same globals."""
        namespace = f.__globals__
        return (
            namespace is self.namespace
            and _file_state(f.__code__.co_filename) == self.file
            and all(namespace.get(name, _MISSING) is v for name, v in self.values)
        )


def _file_state(path: str) -> tuple[int, int] | None:
    try:
        state = os.stat(path)
    except (OSError, ValueError):  # a notebook cell, <string>: no file
        return None
    return state.st_mtime_ns, state.st_size
