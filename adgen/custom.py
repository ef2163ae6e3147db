"""Custom derivative rules: ``@adgen.defvjp(f)``, read statically and inlined.

A user gives the derivative of their own function (a numerically stable
formula, a black box, a straight-through estimator) in plain Python, in the
model file or in a module next to it that the model imports::

    import adgen
    import numpy as np
    import scipy.special

    def softplus(x):
        return np.logaddexp(0.0, x)

    @adgen.defvjp(softplus)           # like rules.py's defvjp
    def softplus_vjp(g, ans, x):      # g: adjoint of the output, ans: the output, then the operands
        return g * scipy.special.expit(x)

Nothing is imported or run: the rule is read with ``ast``.  A call of a
function with a rule is not differentiated through; it becomes one graph node,
primitive ``custom``, whose static parameter ``rule`` is a ``CustomFunction``:

* its forward is the function's body when that is one ``return`` expression
  over the parameters and imported functions (``n5 = np.logaddexp(0.0, x)``);
  otherwise (a black box) the definition is copied into the generated module
  and called (``n5 = erfcx_scaled(x)``);
* its adjoint is the rule's return expression, names substituted: ``g`` by the
  output's adjoint, ``ans`` by the output, the others by the operands
  (``x_bar = n5_bar * scipy.special.expit(x)``).  A tuple gives one
  contribution per operand, ``None`` for no gradient.  Assignments to names
  before the ``return`` are substituted into it.
* ``@adgen.defjvp(f)`` gives the forward-mode rule, ``def f_jvp(x_dot, ..., ans,
  x, ...)``: the tangents, the output, the operands; it returns the output's
  tangent.  For elementwise functions each rule can be derived from the other.

The target may also be a library function (``@adgen.defvjp(scipy.special.erfcx)``):
this is how the built-in table is extended, and a rule there overrides a
built-in one.  Rules in a module the model imports apply as they would in
Python (importing the module registers them).

A function is *elementwise* when its body is an expression of arithmetic and
numpy/scipy ufuncs (checked on the library, not the model): its output then has
the operands' broadcast shape, and each contribution is summed back to its
operand's shape where shapes can differ (idempotently: a rule may also return
the operand's shape itself).  Other custom functions must return adjoints of
their operands' shapes.
"""

from __future__ import annotations

import ast
import builtins
import copy
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bindings import module_variable_hint, module_variable_message
from .errors import (
    DuplicateRule,
    RuleArityMismatch,
    UnknownRuleTarget,
    UnreadableRule,
    UnresolvedRuleName,
    UnsupportedSyntax,
)
from .expr import E, to_ast
from .primitives import elementwise_calls

if TYPE_CHECKING:
    from .parse import Module

VJP, JVP = "adgen.defvjp", "adgen.defjvp"
# Libraries whose names are spelled directly in generated code, and which may be
# imported at compile time (never the model) to check that a function exists.
TRUSTED = ("numpy", "scipy", "math")
NEVER_SIBLINGS = {*TRUSTED, "adgen"}
# Imports the emitted module writes itself (emit.py) when it uses these roots.
EMITTED_IMPORTS = {"numpy", "math", "scipy", "scipy.special"}

# Placeholders in templates: names no Python source can contain.
G, ANS = "<g>", "<ans>"


def operand(i: int) -> str:
    return f"<x{i}>"


def tangent(i: int) -> str:
    return f"<dot{i}>"


@dataclass(frozen=True, eq=False)
class CustomFunction:
    """A function with a custom rule: how to write its value, adjoints and tangent.

    Templates are expressions over the placeholders above, with every other name
    already spelled as the generated module sees it (``np.exp``, ``scipy.special.erfcx``).
    """

    name: str  # as the user wrote it, shown in dumps and graphs
    arity: int
    keywords: tuple[str, ...]  # parameter names a call may use as keywords
    forward: ast.expr
    partials: tuple[ast.expr | None, ...]  # per operand; None: no gradient
    jvp: ast.expr | None
    elementwise: bool
    definitions: tuple[
        tuple[str, str], ...
    ] = ()  # (name, source) copied into the module
    imports: tuple[str, ...] = ()  # import lines the templates and definitions need
    globals: frozenset[str] = frozenset()  # module-level names they read

    def __repr__(self) -> str:
        return self.name

    def primal(self, operands: Sequence[E]) -> E:
        return _fill(self.forward, _operands(operands))

    def adjoint(self, i: int, g: E, ans: E, operands: Sequence[E]) -> E | None:
        partial = self.partials[i]
        if partial is None:
            return None
        return _fill(partial, {G: g, ANS: ans, **_operands(operands)})

    def tangent(
        self,
        dots: Sequence[E | None],
        ans: E,
        operands: Sequence[E],
        scalars: bool = False,
    ) -> E | None:
        """The output's tangent given each operand's (None: a constant), or None if unknown.
        Without a JVP rule it comes from the VJP rule, which is right where the Jacobian
        is diagonal: for elementwise functions, and for any function of ``scalars``."""
        values = {ANS: ans, **_operands(operands)}
        if self.jvp is not None:
            values |= {
                tangent(i): E(0.0) if d is None else d for i, d in enumerate(dots)
            }
            return _fill(self.jvp, values)
        if not (self.elementwise or scalars):
            return None
        terms = [
            _fill(p, {**values, G: d})
            for p, d in zip(self.partials, dots, strict=True)
            if p is not None and d is not None
        ]
        total = terms[0] if terms else E(0.0)
        for term in terms[1:]:
            total = total + term
        return total


def _operands(operands: Sequence[E]) -> dict[str, E]:
    return {operand(i): x for i, x in enumerate(operands)}


def _fill(template: ast.expr, values: dict[str, E]) -> E:
    class Fill(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return copy.deepcopy(values[node.id].node) if node.id in values else node

    return E(Fill().visit(copy.deepcopy(template)))


# --- what the pipeline asks -------------------------------------------------------


def read_rules(module: Module) -> None:
    """Fill ``module.custom`` (function -> CustomFunction) and ``module.rule_functions``,
    from this file's rules and those of the modules next to it that it imports."""
    _Session().space(module)


def rule_for(module: Module, func: ast.expr, local_names: Any) -> CustomFunction | None:
    """The custom rule of the function a call names, if it has one."""
    if isinstance(func, ast.Name):
        if func.id in local_names:
            return None
        if func.id in module.functions:
            return module.custom.get(func.id)
    qualified = module.qualified_name(func)
    return module.custom.get(qualified) if qualified else None


def call_operands(
    module: Module, node: ast.Call, rule: CustomFunction
) -> list[ast.expr]:
    """The call's arguments in operand order (keywords matched to parameter names)."""
    if len(node.args) > rule.arity:
        raise UnsupportedSyntax(
            f"`{rule.name}` takes {rule.arity} argument(s), {len(node.args)} given",
            module.location(node),
            hint="match the definition",
        )
    given: dict[int, ast.expr] = dict(enumerate(node.args))
    for k in node.keywords:
        if k.arg not in rule.keywords or rule.keywords.index(k.arg) in given:
            raise UnsupportedSyntax(
                f"`{rule.name}` has no parameter `{k.arg}` (or it is given twice)",
                module.location(k),
                hint="pass the operands by position, in the order of the definition",
            )
        given[rule.keywords.index(k.arg)] = k.value
    if len(given) != rule.arity:
        missing = next(i for i in range(rule.arity) if i not in given)
        what = rule.keywords[missing] if rule.keywords else f"number {missing + 1}"
        raise UnsupportedSyntax(
            f"missing argument `{what}` in the call to `{rule.name}`",
            module.location(node),
            hint="pass every parameter",
        )
    return [given[i] for i in range(rule.arity)]


def module_code(eqns: Sequence[Any]) -> tuple[list[str], list[str]]:
    """(import lines, definitions) the generated module needs for the custom nodes in ``eqns``."""
    imports: dict[str, None] = {}
    definitions: dict[str, str] = {}
    for rule in _rules(eqns):
        imports |= dict.fromkeys(rule.imports)
        for name, source in rule.definitions:
            if definitions.setdefault(name, source) != source:
                raise UnreadableRule(
                    f"two different functions named `{name}` would be copied into one generated module",
                    hint="rename one of them",
                )
    return list(imports), list(definitions.values())


def module_globals(eqns: Sequence[Any]) -> set[str]:
    """Names the custom nodes' code reads from the generated module's globals."""
    return {n for rule in _rules(eqns) for n in rule.globals}


def namespace(eqns: Sequence[Any]) -> dict[str, Any]:
    """The copied definitions and their imports, executed (for ``adgen trace``/``check``)."""
    imports, definitions = module_code(eqns)
    if not definitions and not imports:
        return {}
    scope: dict[str, Any] = {}
    text = "\n".join(
        [
            "import numpy as np",
            "import math",
            "import scipy.special",
            *imports,
            *definitions,
        ]
    )
    exec(compile(text, "<adgen: custom functions>", "exec"), scope)
    return scope


def _rules(eqns: Sequence[Any]) -> list[CustomFunction]:
    found: dict[int, CustomFunction] = {}
    for eqn in eqns:
        if eqn.prim == "custom":
            rule = eqn.kwargs["rule"]
            found.setdefault(id(rule), rule)
    return list(found.values())


# --- reading rules --------------------------------------------------------------


class _Session:
    """One model's reading: each module next to it parsed once, import cycles cut."""

    def __init__(self) -> None:
        self.spaces: dict[Path, _Space] = {}

    def space(self, module: Module) -> _Space:
        key = Path(module.source.path).resolve()
        if key not in self.spaces:
            space = self.spaces[key] = _Space(
                self, module
            )  # before reading: a cycle sees it
            space.load_siblings()
            space.read()
        return self.spaces[key]


@dataclass
class _Target:
    key: str  # how calls find the rule: a local function name, or a qualified name
    fn: ast.FunctionDef | None  # the definition, when adgen can read it
    space: _Space  # where the definition lives
    qualified: str | None = None  # a library function
    alias: str = ""  # the name the decorator used for it, to find its import


@dataclass
class _Rules:
    target: _Target
    vjp: tuple[ast.expr, ast.FunctionDef] | None = None  # (decorator, rule function)
    jvp: tuple[ast.expr, ast.FunctionDef] | None = None


class _Space:
    """What names mean in one source file, to carry expressions into the generated module."""

    def __init__(self, session: _Session, module: Module):
        self.session = session
        self.module = module
        self.siblings: dict[str, _Space] = {}  # imported module name -> its space
        self.import_modules = _import_modules(module.tree)  # alias -> module to import

    def location(self, node: ast.AST) -> Any:
        return self.module.location(node)

    def load_siblings(self) -> None:
        from .parse import read_source, scan_module  # parse.py calls read_rules

        for name in dict.fromkeys(self.import_modules.values()):
            path = self.module_file(name)
            if path is not None:
                source = read_source(path.as_posix())
                if source.text.strip():
                    self.siblings[name] = self.session.space(scan_module(source))
        for name, sibling in self.siblings.items():
            for key, rule in sibling.module.custom.items():
                self.module.custom[key if "." in key else f"{name}.{key}"] = rule

    def module_file(self, name: str) -> Path | None:
        """The file of module ``name`` next to this one (or from the root of the
        package this file is in), as Python would import it with that folder on its path.
        """
        if name.split(".")[0] in NEVER_SIBLINGS:
            return None
        folder = Path(self.module.source.path).parent
        roots = [folder]
        while (roots[-1] / "__init__.py").is_file() and roots[-1].parent != roots[-1]:
            roots.append(roots[-1].parent)
        relative = Path(*name.split("."))
        for root in roots:
            for candidate in (relative.with_suffix(".py"), relative / "__init__.py"):
                if (root / candidate).is_file():
                    return root / candidate
        return None

    def sibling_function(self, qualified: str) -> tuple[_Space, ast.FunctionDef] | None:
        module, _, attr = qualified.rpartition(".")
        sibling = self.siblings.get(module)
        if sibling is not None and attr in sibling.module.functions:
            return sibling, sibling.module.functions[attr]
        return None

    def read(self) -> None:
        for rules in self.decorated().values():
            self.module.custom[rules.target.key] = _build(self, rules)

    def decorated(self) -> dict[str, _Rules]:
        found: dict[str, _Rules] = {}
        for fn in self.module.functions.values():
            for deco in fn.decorator_list:
                kind = self.module.qualified_name(
                    deco.func if isinstance(deco, ast.Call) else deco
                )
                if kind not in (VJP, JVP):
                    continue
                self.module.rule_functions.add(fn.name)
                target = self.target(deco, kind)
                rules = found.setdefault(target.key, _Rules(target))
                slot = "vjp" if kind == VJP else "jvp"
                if getattr(rules, slot) is not None:
                    first = getattr(rules, slot)[0]
                    raise DuplicateRule(
                        f"a second @{kind} rule for `{target.key}` (the first is at line {first.lineno})",
                        self.location(deco),
                    )
                setattr(rules, slot, (deco, fn))
        return found

    def target(self, deco: ast.expr, kind: str) -> _Target:
        """The function ``@adgen.defvjp(<this>)`` gives a rule for."""
        if not (
            isinstance(deco, ast.Call) and len(deco.args) == 1 and not deco.keywords
        ):
            raise UnreadableRule(
                f"@{kind} takes one argument, the function the rule differentiates",
                self.location(deco),
                hint=f"write @{kind}(softplus) above the rule",
            )
        node = deco.args[0]
        if isinstance(node, ast.Name) and node.id in self.module.functions:
            return _Target(node.id, self.module.functions[node.id], self)
        qualified = self.module.qualified_name(node)
        if qualified is None:
            raise UnknownRuleTarget(
                f"`{ast.unparse(node)}` is not a function defined or imported in this file",
                self.location(node),
            )
        found = self.sibling_function(qualified)
        if found is not None:
            return _Target(qualified, found[1], found[0])
        module = qualified.rpartition(".")[0]
        if module in self.siblings or not _library_function_exists(qualified):
            raise UnknownRuleTarget(
                f"`{ast.unparse(node)}` (`{qualified}`) is not a function adgen can find",
                self.location(node),
            )
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        return _Target(qualified, None, self, qualified, getattr(root, "id", ""))

    def spell(
        self, qualified: str, alias: str, node: ast.AST, needs: _Needs, inline: bool
    ) -> ast.expr:
        """An imported name as the generated module writes it, noting the import it needs."""
        found = self.sibling_function(qualified)
        if found is not None:
            if inline:
                raise _NotInline
            return _define(found[0], found[1], needs)
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
        return ast.parse(spelled, mode="eval").body


@dataclass
class _Needs:
    """What a custom function's code needs from the generated module."""

    imports: dict[str, None] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)

    def merge(self, other: _Needs) -> None:
        self.imports |= other.imports
        self.definitions |= other.definitions
        self.globals |= other.globals


class _NotInline(Exception):
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


class _Carry(ast.NodeTransformer):
    """Rewrite code of one file for the generated module: placeholders for bound
    names, literal values for constants, spelled names for imports, copies for helpers.
    """

    def __init__(
        self,
        space: _Space,
        bound: dict[str, ast.expr],
        local: set[str],
        needs: _Needs,
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
                raise _NotInline
            return _define(self.space, module.functions[node.id], self.needs)
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


def _define(space: _Space, fn: ast.FunctionDef, needs: _Needs) -> ast.expr:
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
        carry = _Carry(space, {}, local, needs, inline=False)
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


def _build(space: _Space, rules: _Rules) -> CustomFunction:
    target = rules.target
    needs = _Needs()
    if target.fn is not None:
        params = tuple(
            a.arg for a in [*target.fn.args.posonlyargs, *target.fn.args.args]
        )
        forward, elementwise = _forward(target.space, target.fn, params, needs)
        arity, keywords = len(params), params
    else:
        arity, keywords = _library_arity(space, rules), ()
        call = space.spell(target.qualified, target.alias, rules.target.fn, needs, inline=False)  # type: ignore[arg-type]
        forward = ast.Call(
            call, [ast.Name(operand(i), ast.Load()) for i in range(arity)], []
        )
        elementwise = _is_ufunc(target.qualified)  # type: ignore[arg-type]
    jvp = None
    if rules.jvp is not None:
        placeholders = [
            *(tangent(i) for i in range(arity)),
            ANS,
            *(operand(i) for i in range(arity)),
        ]
        jvp = _rule_result(space, rules.jvp[1], placeholders, needs, "JVP", target.key)
        if isinstance(jvp, ast.Tuple):
            raise RuleArityMismatch(
                "a JVP rule returns one expression, the output's tangent",
                space.location(jvp),
                hint="return the sum of each operand's tangent times its partial derivative",
            )
    if rules.vjp is not None:
        placeholders = [G, ANS, *(operand(i) for i in range(arity))]
        result = _rule_result(
            space, rules.vjp[1], placeholders, needs, "VJP", target.key
        )
        partials = _per_operand(space, result, arity, target.key)
    elif (
        elementwise
    ):  # the VJP of an elementwise function is its JVP, one operand at a time
        partials = tuple(_jvp_as_vjp(jvp, i, arity) for i in range(arity))
    else:
        raise UnreadableRule(
            f"`{target.key}` has a JVP rule but no VJP rule, and is not elementwise",
            space.location(rules.jvp[0]),  # type: ignore[index]
            hint="reverse mode needs @adgen.defvjp too (a JVP gives the VJP only for elementwise functions)",
        )
    return CustomFunction(
        name=target.key,
        arity=arity,
        keywords=keywords,
        forward=forward,
        partials=partials,
        jvp=jvp,
        elementwise=elementwise,
        definitions=tuple(needs.definitions.items()),
        imports=tuple(needs.imports),
        globals=frozenset(needs.globals),
    )


def _forward(
    space: _Space, fn: ast.FunctionDef, params: tuple[str, ...], needs: _Needs
) -> tuple[ast.expr, bool]:
    """The function's value: its one return expression inlined, else a call of its copy."""
    body = _without_docstring(fn.body)
    bound = {p: ast.Name(operand(i), ast.Load()) for i, p in enumerate(params)}
    returned = (
        body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None
    )
    inlined = _inlined(space, returned, bound, needs) if returned is not None else None
    if inlined is not None:
        return inlined, _is_elementwise(space.module, returned)  # type: ignore[arg-type]
    call = _define(space, fn, needs)
    return ast.Call(call, list(bound.values()), []), False


def _inlined(
    space: _Space, returned: ast.expr, bound: dict[str, ast.expr], needs: _Needs
) -> ast.expr | None:
    """``returned`` carried into the generated module, or None if it needs a copied helper."""
    if any(isinstance(n, SCOPED) for n in ast.walk(returned)):
        return None
    trial = _Needs()
    try:
        expr = _Carry(space, bound, set(), trial, inline=True).visit(
            copy.deepcopy(returned)
        )
    except _NotInline:
        return None
    needs.merge(trial)
    return expr


def _rule_result(
    space: _Space,
    rule: ast.FunctionDef,
    placeholders: list[str],
    needs: _Needs,
    kind: str,
    target: str,
) -> ast.expr:
    """The rule's return expression as a template: assignments before it substituted."""
    a = rule.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.defaults:
        raise UnreadableRule(
            f"the {kind} rule `{rule.name}` must take plain positional parameters",
            space.location(rule),
        )
    names = [p.arg for p in [*a.posonlyargs, *a.args]]
    if len(names) != len(placeholders):
        raise RuleArityMismatch(
            f"the {kind} rule `{rule.name}` takes {len(names)} parameter(s); a {kind} rule for "
            f"`{target}` takes {len(placeholders)}",
            space.location(rule),
            hint=_signature_hint(kind, rule.name, len(placeholders)),
        )
    bound: dict[str, ast.expr] = {
        n: ast.Name(p, ast.Load()) for n, p in zip(names, placeholders, strict=True)
    }
    body = _without_docstring(rule.body)
    for stmt in body:
        bad = next((n for n in ast.walk(stmt) if isinstance(n, SCOPED)), None)
        if bad is not None:
            raise UnreadableRule(
                f"`{type(bad).__name__}` is not supported in a rule",
                space.location(bad),
            )
    for stmt in body[:-1]:
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            raise UnreadableRule(
                f"a rule may only assign names before its `return` (found `{type(stmt).__name__}`)",
                space.location(stmt),
            )
        carry = _Carry(space, bound, set(), needs, inline=False)
        bound[stmt.targets[0].id] = carry.visit(copy.deepcopy(stmt.value))
    last = body[-1] if body else rule
    if not (isinstance(last, ast.Return) and last.value is not None):
        raise UnreadableRule(
            f"the {kind} rule `{rule.name}` must end with `return <expression>`",
            space.location(last),
        )
    return _Carry(space, bound, set(), needs, inline=False).visit(
        copy.deepcopy(last.value)
    )


def _per_operand(
    space: _Space, result: ast.expr, arity: int, target: str
) -> tuple[ast.expr | None, ...]:
    parts = result.elts if isinstance(result, ast.Tuple) else [result]
    if len(parts) != arity:
        raise RuleArityMismatch(
            f"the VJP rule for `{target}` returns {len(parts)} contribution(s) for {arity} operand(s)",
            space.location(result),
            hint="return a tuple with one adjoint contribution per operand, None for no gradient",
        )
    return tuple(
        None if isinstance(p, ast.Constant) and p.value is None else p for p in parts
    )


def _jvp_as_vjp(jvp: ast.expr | None, i: int, arity: int) -> ast.expr:
    """Operand ``i``'s partial of an elementwise function: its tangent is ``g``, the others 0."""
    assert jvp is not None
    values = {
        tangent(j): E(ast.Name(G, ast.Load())) if j == i else E(0.0)
        for j in range(arity)
    }
    return _fill(jvp, values).node


def _library_arity(space: _Space, rules: _Rules) -> int:
    """A library function's number of operands, from its rule's parameters."""
    _, rule = rules.vjp or rules.jvp  # type: ignore[misc]
    count = len(rule.args.posonlyargs) + len(rule.args.args)
    arity = count - 2 if rules.vjp is not None else (count - 1) // 2
    if arity < 1:
        kind = "VJP" if rules.vjp is not None else "JVP"
        raise RuleArityMismatch(
            f"the {kind} rule `{rule.name}` takes {count} parameter(s); it needs at least 3",
            space.location(rule),
            hint=_signature_hint(kind, rule.name, 3),
        )
    return arity


def _signature_hint(kind: str, name: str, count: int) -> str:
    n = count - 2 if kind == "VJP" else (count - 1) // 2
    xs = ["x", "y", "z", "w"][:n] if n <= 4 else [f"x{i}" for i in range(n)]
    params = (
        ["g", "ans", *xs] if kind == "VJP" else [*(f"{x}_dot" for x in xs), "ans", *xs]
    )
    what = (
        "g (the output's adjoint), ans (the output), then one per operand"
        if kind == "VJP"
        else ("one tangent per operand, ans (the output), then the operands")
    )
    return f"write def {name}({', '.join(params)}): {what}"


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    is_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    return body[1:] if is_doc else body


def _import_modules(tree: ast.Module) -> dict[str, str]:
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


# --- facts about trusted libraries (imported at compile time; the model never is) ---


def _library_object(qualified: str) -> Any:
    module, _, attr = qualified.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError):
        return None


def _library_function_exists(qualified: str) -> bool:
    """False only for a numpy/scipy/math name that does not exist; other libraries are trusted."""
    if qualified.split(".")[0] not in TRUSTED:
        return True
    return callable(_library_object(qualified))


# numpy functions that act elementwise (and broadcast), ufuncs or not: rounding,
# and those of the elementwise primitives (np.clip, np.where ...).
ELEMENTWISE_FUNCTIONS = {"numpy.round", "numpy.around", *elementwise_calls("numpy")}


def _is_ufunc(qualified: str) -> bool:
    """Whether the library function acts elementwise, broadcasting its operands."""
    root = qualified.split(".")[0]
    if root == "math":
        return True  # functions of one scalar
    if qualified in ELEMENTWISE_FUNCTIONS:
        return True
    if root not in ("numpy", "scipy"):
        return False
    import numpy

    return isinstance(_library_object(qualified), numpy.ufunc)


def _is_elementwise(module: Module, expr: ast.expr) -> bool:
    """Arithmetic, comparisons and ufunc calls only: the value broadcasts like its operands."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Call):
            qualified = module.qualified_name(node.func)
            if qualified is None or node.keywords or not _is_ufunc(qualified):
                return False
        elif isinstance(node, ast.Attribute):
            if module.qualified_name(node) is None:  # x.T, x.shape
                return False
        elif (
            isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult)
        ) or not isinstance(
            node,
            (
                ast.Name,
                ast.Constant,
                ast.BinOp,
                ast.UnaryOp,
                ast.Compare,
                ast.expr_context,
                ast.operator,
                ast.unaryop,
                ast.cmpop,
            ),
        ):
            return False
    return True
