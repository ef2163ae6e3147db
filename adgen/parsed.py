"""The parse result: one model file's tree and what its top-level names mean.

``parse.py`` fills a ``Module`` from the text alone (imports, functions,
constants, variables); the rule discovery step (``custom_discovery.py``) then
adds the functions that have a custom derivative rule.  It lives apart from
``parse.py`` so that the modules ``parse.py`` itself uses (``bindings.py``) can
name it without importing the parser.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from .errors import AdgenError, Location, SourceFile


@dataclass
class Module:
    """A parsed model file."""

    source: SourceFile
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # alias -> qualified name
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    constants: dict[str, ast.expr] = field(default_factory=dict)
    async_functions: dict[str, ast.AsyncFunctionDef] = field(default_factory=dict)
    # top-level names whose value is known only when the file runs -> why (bindings.py)
    variables: dict[str, str] = field(default_factory=dict)
    # Functions with a custom derivative rule (custom.py), by local or qualified name,
    # and the rule functions themselves: neither is compiled nor inlined.  Empty after
    # parsing; the rule discovery step (custom_discovery.read_rules) fills them.
    custom: dict[str, Any] = field(default_factory=dict)
    rule_functions: set[str] = field(default_factory=set)
    # Local functions (nested defs, named lambdas) lifted to helpers by lifting.py,
    # keyed "outer.inner"; and, for a function whose local functions were not
    # lifted, why (the check stage raises it if that function is compiled).
    local_helpers: set[str] = field(default_factory=set)
    lift_refusals: dict[str, AdgenError] = field(default_factory=dict)

    def location(self, node: ast.AST | None) -> Location:
        return Location.of(node, self.source)

    def qualified_name(self, node: ast.expr) -> str | None:
        """``np.linalg.norm`` -> ``numpy.linalg.norm``; None if not an imported name."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.imports:
            return None
        return ".".join([self.imports[node.id], *reversed(parts)])
