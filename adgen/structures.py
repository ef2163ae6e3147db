"""Containers of values the compiler knows statically: tuples, lists and dicts of atoms.

A *structure* is an atom (a variable name or a ``Const``), or a tuple, list
or dict (string keys) of structures, nested.  Two things are structures:
what ``return loss, aux`` passes through beside the output (``has_aux``),
and a parameter that is a container of arrays (``params["W"]``), which the
generated code unpacks at entry and whose gradient it repacks at exit.  The
structure is known when compiling; only its leaves are values of the run.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any


class Record(tuple):
    """A dict literal's values, in key order, with its keys: ``{"W": W, "b": b}``.
    A tuple, so that every place that refuses a tuple as a number refuses it too."""

    keys: tuple[str, ...]

    def __new__(cls, keys: tuple[str, ...], values: tuple) -> Record:
        record = super().__new__(cls, values)
        record.keys = keys
        return record

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(self.keys, self, strict=True))


def plain_structure(value: Any) -> Any:
    """A lowered value (atoms, tuples, Records) as a structure (Records made dicts)."""
    if isinstance(value, Record):
        return {k: plain_structure(v) for k, v in value.as_dict().items()}
    if isinstance(value, tuple):
        return tuple(plain_structure(v) for v in value)
    return value


def as_value(structure: Any) -> Any:
    """A structure as the lowerer holds values: dicts as Records, lists as tuples."""
    if isinstance(structure, dict):
        return Record(tuple(structure), tuple(map(as_value, structure.values())))
    if isinstance(structure, (tuple, list)):
        return tuple(map(as_value, structure))
    return structure


def leaves(structure: Any) -> list[Any]:
    """The atoms of ``structure``, in order (dict values in key order as written)."""
    if isinstance(structure, (tuple, list)):
        return [leaf for item in structure for leaf in leaves(item)]
    if isinstance(structure, dict):
        return [leaf for item in structure.values() for leaf in leaves(item)]
    return [structure]


def leaf_names(structure: Any) -> set[str]:
    """The variable names among ``structure``'s leaves."""
    if structure is None:
        return set()
    return {leaf for leaf in leaves(structure) if isinstance(leaf, str)}


def rebuilt(structure: Any, leaf: Callable[[Any], Any]) -> Any:
    """``structure`` with each leaf replaced by ``leaf(it)``, containers kept."""
    if isinstance(structure, tuple):
        return tuple(rebuilt(item, leaf) for item in structure)
    if isinstance(structure, list):
        return [rebuilt(item, leaf) for item in structure]
    if isinstance(structure, dict):
        return {key: rebuilt(item, leaf) for key, item in structure.items()}
    return leaf(structure)


def structure_ast(structure: Any, leaf: Callable[[Any], ast.expr]) -> ast.expr:
    """The Python expression that builds ``structure``: ``{"W": W_bar, "b": b_bar}``."""
    if isinstance(structure, tuple):
        return ast.Tuple([structure_ast(s, leaf) for s in structure], ast.Load())
    if isinstance(structure, list):
        return ast.List([structure_ast(s, leaf) for s in structure], ast.Load())
    if isinstance(structure, dict):
        keys: list[ast.expr | None] = [ast.Constant(k) for k in structure]
        values = [structure_ast(s, leaf) for s in structure.values()]
        return ast.Dict(keys, values)
    return leaf(structure)
