"""Custom derivative rules: ``@adgen.defvjp(f)``, read statically and inlined.

A user gives the derivative of their own function (a numerically stable
formula, a black box, a straight-through estimator) in plain Python, in the
model file or in a module next to it that the model imports::

    import adgen
    import numpy as np
    import scipy.special

    def softplus(x):
        return np.logaddexp(0.0, x)

    @adgen.defvjp(softplus)           # like a primitive record's VJP
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

Here: building a ``CustomFunction`` from a function's rules (``build``), what
normalize and emit ask of them, and the library facts.  Around it:
``custom_discovery.py`` finds the rules (the step after parse),
``custom_carry.py`` rewrites a file's code into the generated module's names,
``custom_function.py`` holds ``CustomFunction`` and its templates.
"""

from __future__ import annotations

import ast
import copy
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .custom_carry import SCOPED, Carry, Needs, Space, define, inlined
from .custom_function import ANS, CustomFunction, G, fill, operand, tangent
from .errors import RuleArityMismatch, UnreadableRule, UnsupportedSyntax
from .expr import E
from .primitives import elementwise_calls

if TYPE_CHECKING:
    from .parsed import Module

# Libraries whose names are spelled directly in generated code, and which may be
# imported at compile time (never the model) to check that a function exists.
TRUSTED = ("numpy", "scipy", "math")


@dataclass
class RuleTarget:
    """The function a rule is for (custom_discovery.py finds it)."""

    key: str  # how calls find the rule: a local function name, or a qualified name
    fn: ast.FunctionDef | None  # the definition, when adgen can read it
    space: Space  # where the definition lives
    qualified: str | None = None  # a library function
    alias: str = ""  # the name the decorator used for it, to find its import


@dataclass
class Rules:
    """A function's rules: ``(decorator, rule function)`` for each kind given."""

    target: RuleTarget
    vjp: tuple[ast.expr, ast.FunctionDef] | None = None
    jvp: tuple[ast.expr, ast.FunctionDef] | None = None


# --- what the pipeline asks -------------------------------------------------------


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


# --- building a CustomFunction from its rules -----------------------------------


def build(space: Space, rules: Rules) -> CustomFunction:
    """The ``CustomFunction`` of ``rules.target``: its value, adjoints and tangent."""
    target = rules.target
    needs = Needs()
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
    space: Space, fn: ast.FunctionDef, params: tuple[str, ...], needs: Needs
) -> tuple[ast.expr, bool]:
    """The function's value: its one return expression inlined, else a call of its copy."""
    body = _without_docstring(fn.body)
    bound = {p: ast.Name(operand(i), ast.Load()) for i, p in enumerate(params)}
    returned = (
        body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else None
    )
    carried = inlined(space, returned, bound, needs) if returned is not None else None
    if carried is not None:
        return carried, _is_elementwise(space.module, returned)  # type: ignore[arg-type]
    call = define(space, fn, needs)
    return ast.Call(call, list(bound.values()), []), False


def _rule_result(
    space: Space,
    rule: ast.FunctionDef,
    placeholders: list[str],
    needs: Needs,
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
        carry = Carry(space, bound, set(), needs, inline=False)
        bound[stmt.targets[0].id] = carry.visit(copy.deepcopy(stmt.value))
    last = body[-1] if body else rule
    if not (isinstance(last, ast.Return) and last.value is not None):
        raise UnreadableRule(
            f"the {kind} rule `{rule.name}` must end with `return <expression>`",
            space.location(last),
        )
    return Carry(space, bound, set(), needs, inline=False).visit(
        copy.deepcopy(last.value)
    )


def _per_operand(
    space: Space, result: ast.expr, arity: int, target: str
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
    return fill(jvp, values).node


def _library_arity(space: Space, rules: Rules) -> int:
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


# --- facts about trusted libraries (imported at compile time; the model never is) ---


def _library_object(qualified: str) -> Any:
    module, _, attr = qualified.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError):
        return None


def library_function_exists(qualified: str) -> bool:
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
