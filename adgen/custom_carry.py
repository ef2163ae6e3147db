"""Carry code of a model's files into the generated module, for custom rules.

A rule or a custom function's body is written in its own file's names; the
generated module has other ones.  ``Carry`` rewrites an expression name by name:
a rule's parameters become template placeholders, a module constant its
literal value, an imported name the spelling the generated module uses
(``expit`` -> ``scipy.special.expit``, noting ``import scipy.special`` if emit
does not write it), and a helper function of the file a copy of its definition
(``define``), collected in ``Needs`` for ``custom.module_code``.  ``Space`` is
what names mean in one file and in the files next to it that it imports
(``custom_discovery.py`` fills ``siblings``).
"""

from __future__ import annotations

import ast
import builtins
import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .bindings import module_variable_hint, module_variable_message
from .errors import UnresolvedRuleName
from .expr import to_ast
from .parse import parse_dotted_name

if TYPE_CHECKING:
    from .parsed import Module

# Imports the emitted module writes itself (emit.py) when it uses these roots.
EMITTED_IMPORTS = {"numpy", "math", "scipy", "scipy.special"}


class Space:
    """What names mean in one source file, to carry expressions into the generated module."""

    def __init__(self, module: Module):
        self.module = module
        self.siblings: dict[str, Space] = {}  # imported module name -> its space
        self.import_modules = import_modules(module.tree)  # alias -> module to import

    def location(self, node: ast.AST) -> Any:
        return self.module.location(node)

    def sibling_function(self, qualified: str) -> tuple[Space, ast.FunctionDef] | None:
        """The function ``qualified`` names in a file next to this one, with that file's space."""
        module, _, attr = qualified.rpartition(".")
        sibling = self.siblings.get(module)
        if sibling is not None and attr in sibling.module.functions:
            return sibling, sibling.module.functions[attr]
        return None

    def spell(
        self, qualified: str, alias: str, node: ast.AST, needs: Needs, inline: bool
    ) -> ast.expr:
        """An imported name as the generated module writes it, noting the import it needs."""
        found = self.sibling_function(qualified)
        if found is not None:
            if inline:
                raise NotInline
            return define(found[0], found[1], needs)
        module, _, attr = qualified.rpartition(".")
        sibling = self.siblings.get(module)
        if sibling is not None:
            if attr in sibling.module.constants:
                return to_ast(ast.literal_eval(sibling.module.constants[attr]))
            if attr in sibling.module.variables:
                raise UnresolvedRuleName(
                    f"{module_variable_message(sibling.module, attr)} "
                    f"(in {sibling.module.source.path})",
                    self.location(node),
                    hint=module_variable_hint(attr),
                )
            raise UnresolvedRuleName(
                f"`{qualified}` is not a function or literal constant of {sibling.module.source.path}",
                self.location(node),
            )
        root = qualified.split(".")[0]
        spelled = "np" + qualified[len("numpy") :] if root == "numpy" else qualified
        imported = self.import_modules.get(alias, root)
        if imported not in EMITTED_IMPORTS and root not in ("numpy", "math"):
            needs.imports[f"import {imported}"] = None
        needs.globals.add(spelled.split(".")[0])
        return parse_dotted_name(spelled)


@dataclass
class Needs:
    """What a custom function's code needs from the generated module."""

    imports: dict[str, None] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)

    def merge(self, other: Needs) -> None:
        self.imports |= other.imports
        self.definitions |= other.definitions
        self.globals |= other.globals


class NotInline(Exception):
    """The expression needs a copied definition: the function is a black box."""


# Python constructs a rule's expression may not contain (they bind names of their own).
SCOPED = (
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.NamedExpr,
    ast.Yield,
    ast.YieldFrom,
    ast.Await,
)


class Carry(ast.NodeTransformer):
    """Rewrite code of one file for the generated module: placeholders for bound
    names, literal values for constants, spelled names for imports, copies for helpers.
    """

    def __init__(
        self,
        space: Space,
        bound: dict[str, ast.expr],
        local: set[str],
        needs: Needs,
        inline: bool,
    ):
        self.space, self.bound, self.local = space, bound, local
        self.needs, self.inline = needs, inline

    def visit_Name(self, node: ast.Name) -> ast.expr:
        module = self.space.module
        if node.id in self.bound:
            return copy.deepcopy(self.bound[node.id])
        if node.id in self.local:
            return node
        if node.id in module.variables:
            raise UnresolvedRuleName(
                module_variable_message(module, node.id),
                self.space.location(node),
                hint=module_variable_hint(node.id),
            )
        if node.id in module.constants:
            return to_ast(ast.literal_eval(module.constants[node.id]))
        if node.id in module.functions:
            if self.inline:
                raise NotInline
            return define(self.space, module.functions[node.id], self.needs)
        if node.id in module.imports:
            return self.space.spell(
                module.imports[node.id], node.id, node, self.needs, self.inline
            )
        if node.id in dir(builtins):
            return node
        raise UnresolvedRuleName(
            f"name `{node.id}` is not defined here (adgen reads rules without running them)",
            self.space.location(node),
        )

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        shadowed = isinstance(root, ast.Name) and (
            root.id in self.bound or root.id in self.local
        )
        qualified = None if shadowed else self.space.module.qualified_name(node)
        if qualified is None:
            return self.generic_visit(node)
        return self.space.spell(qualified, root.id, node, self.needs, self.inline)  # type: ignore[union-attr]


def define(space: Space, fn: ast.FunctionDef, needs: Needs) -> ast.expr:
    """Copy ``fn`` into the generated module (a black box, or a helper a rule calls)."""
    if fn.name not in needs.definitions:
        needs.definitions[fn.name] = ""  # a recursive call sees it defined
        local = {a.arg for a in ast.walk(fn) if isinstance(a, ast.arg)}
        local |= {
            n.id
            for n in ast.walk(fn)
            if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
        }
        local |= {
            n.name
            for n in ast.walk(fn)
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n is not fn
        }
        carry = Carry(space, {}, local, needs, inline=False)
        copied = copy.deepcopy(fn)
        copied.decorator_list, copied.returns = [], None
        for a in ast.walk(copied.args):
            if isinstance(a, ast.arg):
                a.annotation = None
        copied.body = [carry.visit(s) for s in copied.body]
        where = f"{space.module.source.path}:{fn.lineno}".replace("\\", "/")
        needs.definitions[fn.name] = (
            f"# `{fn.name}` copied from {where}: adgen calls it as written.\n{ast.unparse(copied)}"
        )
    needs.globals.add(fn.name)
    return ast.Name(fn.name, ast.Load())


def inlined(
    space: Space, returned: ast.expr, bound: dict[str, ast.expr], needs: Needs
) -> ast.expr | None:
    """``returned`` carried into the generated module, or None if it needs a copied helper."""
    if any(isinstance(n, SCOPED) for n in ast.walk(returned)):
        return None
    trial = Needs()
    try:
        expr = Carry(space, bound, set(), trial, inline=True).visit(
            copy.deepcopy(returned)
        )
    except NotInline:
        return None
    needs.merge(trial)
    return expr


def import_modules(tree: ast.Module) -> dict[str, str]:
    """Alias -> the module an ``import`` line must load for it (``expit`` -> ``scipy.special``)."""
    found: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for a in stmt.names:
                found[a.asname or a.name.split(".")[0]] = a.name
        elif isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module:
            for a in stmt.names:
                found[a.asname or a.name] = stmt.module
    return found
