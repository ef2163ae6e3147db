"""A copy of an expression tree, made in time linear in its size, for the passes that rewrite copies.

``copy.deepcopy`` spends most of a large model's compile time in its memo and
``__reduce_ex__`` (a tenth of a millisecond a statement); ``clone`` copies
only what a pass may change: every node and list, sharing strings, numbers
and the stateless operator and context nodes (``ast.Add()``, ``ast.Load()``).
"""

from __future__ import annotations

import ast
from typing import TypeVar

Node = TypeVar("Node", bound=ast.AST)

# nodes without fields: no pass mutates them, so copies may share them
_STATELESS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def clone(node: Node) -> Node:
    """A deep copy of the tree ``node`` (fields and locations), as ``copy.deepcopy`` makes."""
    cls = type(node)
    new = cls.__new__(cls)
    fields = new.__dict__
    for name, value in node.__dict__.items():
        if isinstance(value, ast.AST):
            fields[name] = value if isinstance(value, _STATELESS) else clone(value)
        elif type(value) is list:
            fields[name] = [clone(v) if isinstance(v, ast.AST) else v for v in value]
        else:
            fields[name] = value
    return new
