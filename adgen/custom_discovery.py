"""Rule discovery: find a model's ``@adgen.defvjp``/``@adgen.defjvp`` rules.

The step after parse (``pipeline.py`` calls ``read_rules``).  A rule may be in
the model file itself or in a module next to it that the model imports, as
Python would find it with the model's folder (or the root of the package it is
in) on its path::

    # model.py                        # mylib.py
    import mylib                      import adgen
                                      import numpy as np
    def f(x):
        return mylib.soft(x)          def soft(x): ...

                                      @adgen.defvjp(soft)
                                      def soft_vjp(g, ans, x): ...

                                      @adgen.defvjp(np.cbrt)
                                      def cbrt_vjp(g, ans, x): ...

Each such module is read (never imported) once per model, and an import cycle
between them is cut: a module sees the rules of one that imports it only as far
as they were read.  The result is the parse result with ``custom`` filled
(``mylib.soft`` and ``numpy.cbrt`` -> their ``CustomFunction``, which
``custom.build`` makes) and ``rule_functions`` (the rules themselves, never
compiled).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from pathlib import Path

from .custom import TRUSTED, Rules, RuleTarget, build, library_function_exists
from .custom_carry import Space
from .custom_function import CustomFunction
from .errors import DuplicateRule, UnknownRuleTarget, UnreadableRule
from .parse import parse_module, read_source
from .parsed import Module

VJP, JVP = "adgen.defvjp", "adgen.defjvp"
NEVER_SIBLINGS = {*TRUSTED, "adgen"}


def read_rules(module: Module) -> Module:
    """``module`` with ``custom`` (function -> CustomFunction) and ``rule_functions``
    filled, from this file's rules and those of the modules next to it that it imports.
    """
    reading = _Session().read(module)
    return replace(module, custom=reading.custom, rule_functions=reading.rule_functions)


@dataclass
class _Reading:
    """One file's rules, as far as they are read (a file in an import cycle sees this)."""

    space: Space
    custom: dict[str, CustomFunction] = field(default_factory=dict)
    rule_functions: set[str] = field(default_factory=set)


class _Session:
    """One model's reading: each module next to it parsed once, import cycles cut."""

    def __init__(self) -> None:
        self.readings: dict[Path, _Reading] = {}

    def read(self, module: Module) -> _Reading:
        key = Path(module.source.path).resolve()
        if key not in self.readings:
            # registered before reading: a cycle back to this file sees it
            reading = self.readings[key] = _Reading(Space(module))
            self.load_siblings(reading)
            for rules in _decorated(reading).values():
                reading.custom[rules.target.key] = build(reading.space, rules)
        return self.readings[key]

    def load_siblings(self, reading: _Reading) -> None:
        """Read the modules next to this file that it imports; take their rules."""
        space = reading.space
        found: dict[str, _Reading] = {}
        for name in dict.fromkeys(space.import_modules.values()):
            path = _module_file(space.module, name)
            if path is not None:
                source = read_source(path.as_posix())
                if source.text.strip():
                    found[name] = self.read(parse_module(source))
                    space.siblings[name] = found[name].space
        for name, sibling in found.items():
            for key, rule in sibling.custom.items():
                reading.custom[key if "." in key else f"{name}.{key}"] = rule


def _module_file(module: Module, name: str) -> Path | None:
    """The file of module ``name`` next to ``module`` (or from the root of the
    package it is in), as Python would import it with that folder on its path.
    """
    if name.split(".")[0] in NEVER_SIBLINGS:
        return None
    folder = Path(module.source.path).parent
    roots = [folder]
    while (roots[-1] / "__init__.py").is_file() and roots[-1].parent != roots[-1]:
        roots.append(roots[-1].parent)
    relative = Path(*name.split("."))
    for root in roots:
        for candidate in (relative.with_suffix(".py"), relative / "__init__.py"):
            if (root / candidate).is_file():
                return root / candidate
    return None


def _decorated(reading: _Reading) -> dict[str, Rules]:
    """The file's rules by target, in source order; each rule function noted."""
    module = reading.space.module
    found: dict[str, Rules] = {}
    for fn in module.functions.values():
        for deco in fn.decorator_list:
            kind = module.qualified_name(
                deco.func if isinstance(deco, ast.Call) else deco
            )
            if kind not in (VJP, JVP):
                continue
            reading.rule_functions.add(fn.name)
            target = _target(reading.space, deco, kind)
            rules = found.setdefault(target.key, Rules(target))
            slot = "vjp" if kind == VJP else "jvp"
            if getattr(rules, slot) is not None:
                first = getattr(rules, slot)[0]
                raise DuplicateRule(
                    f"a second @{kind} rule for `{target.key}` (the first is at line {first.lineno})",
                    reading.space.location(deco),
                )
            setattr(rules, slot, (deco, fn))
    return found


def _target(space: Space, deco: ast.expr, kind: str) -> RuleTarget:
    """The function ``@adgen.defvjp(<this>)`` gives a rule for."""
    if not (isinstance(deco, ast.Call) and len(deco.args) == 1 and not deco.keywords):
        raise UnreadableRule(
            f"@{kind} takes one argument, the function the rule differentiates",
            space.location(deco),
            hint=f"write @{kind}(softplus) above the rule",
        )
    node = deco.args[0]
    if isinstance(node, ast.Name) and node.id in space.module.functions:
        return RuleTarget(node.id, space.module.functions[node.id], space)
    qualified = space.module.qualified_name(node)
    if qualified is None:
        raise UnknownRuleTarget(
            f"`{ast.unparse(node)}` is not a function defined or imported in this file",
            space.location(node),
        )
    found = space.sibling_function(qualified)
    if found is not None:
        return RuleTarget(qualified, found[1], found[0])
    module = qualified.rpartition(".")[0]
    if module in space.siblings or not library_function_exists(qualified):
        raise UnknownRuleTarget(
            f"`{ast.unparse(node)}` (`{qualified}`) is not a function adgen can find",
            space.location(node),
        )
    root = node
    while isinstance(root, ast.Attribute):
        root = root.value
    return RuleTarget(qualified, None, space, qualified, getattr(root, "id", ""))
