"""Which module-level names are constants: values known without running the file.

adgen compiles a function that reads a module-level name by writing that name's
value into the generated code, so it must know the one value the function will
see.  It knows it only for a name the module binds exactly once, by a plain
top-level assignment (not under an ``if``, a loop, a ``with`` or a ``try``), to
a number computed from the text alone: a literal (``SCALE = 0.5``, ``W = [0.5,
-1.0]``), or arithmetic on numbers, earlier constants and ``np.pi``-style
constants (``TWO_PI = 2 * np.pi``).

Every other name the module binds is a *variable*, with the reason kept for the
message a function reading it gets.  A binding is anything that gives a
module-level name a value or removes it: an assignment or augmented assignment,
a ``for`` or ``with ... as`` target, ``except ... as``, a ``match`` capture, a
walrus (also in a comprehension or a default argument), ``del``, an import, a
``def`` or ``class``, an assignment in any function or class body that declares
the name ``global``; ``from m import *`` after a constant may rebind it too.
Names bound only by top-level ``def``s, or only by top-level imports, are
neither: ``parse.py`` records them as functions and imports (the last wins, as
in Python).
"""

from __future__ import annotations

import ast
import functools
import math
import operator
import symtable
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .ir import Const
from .primitives import CONSTANTS

if TYPE_CHECKING:
    from .parsed import Module

# Python evaluates ``2 ** 10**9`` for ever: integer constants stay below this size.
MAX_INT_BITS = 4096
ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
COMPOUND = {
    ast.If: "if",
    ast.For: "for",
    ast.AsyncFor: "async for",
    ast.While: "while",
    ast.With: "with",
    ast.AsyncWith: "async with",
    ast.Try: "try",
    ast.Match: "match",
}
if hasattr(ast, "TryStar"):  # Python 3.11+
    COMPOUND[ast.TryStar] = "try"
SHOWN_BINDINGS = 3  # lines quoted in a message
SHOWN_CHARACTERS = 60  # of each


@dataclass(frozen=True)
class Binding:
    """One place where the module binds (or deletes) a name."""

    line: int
    node: ast.AST  # the Name, alias, def, ... that binds it
    top: ast.stmt  # the top-level statement it is in (for ``global``: the function's)
    scope: str | None = None  # the function or class binding it through ``global``


def classify_names(module: Module) -> None:
    """Fill ``module.constants`` and ``module.variables`` (imports already read)."""
    bindings = module_bindings(module.tree)
    star = max((b.line for b in bindings.pop("*", [])), default=0)
    for stmt in module.tree.body:  # in order: a constant may use earlier ones
        targets, value = _plain_assignment(stmt)
        for target in targets:
            found = bindings[target.id]
            if len(found) != 1 or found[0].node is not target:
                continue
            if found[0].line < star:
                module.variables[target.id] = (
                    f"bound before the `import *` at line {star}, which may rebind it"
                )
                continue
            literal = constant_value(value, module, bindings)  # type: ignore[arg-type]
            if literal is not None:
                module.constants[target.id] = literal
    for name, found in bindings.items():
        if name in module.constants or name in module.variables:
            continue
        kinds = {_kind(b) for b in found}
        if kinds not in ({"def"}, {"import"}):
            module.variables[name] = _why_variable(module, found)


def module_variable_message(module: Module, name: str) -> str:
    """Why a function cannot read the module variable ``name``."""
    return (
        f"`{name}` is a module-level variable {module.variables[name]}; adgen reads "
        "the file without running it, so it does not know the value a function sees"
    )


def module_variable_hint(name: str) -> str:
    return (
        f"pass `{name}` to the function as a parameter, or bind it exactly once, by "
        "a plain assignment at the top of the file: a number or a list of numbers "
        "is folded into the code; another value (`np.eye(3)`) becomes a keyword "
        "input of the generated functions (adgen.grad passes its live value)"
    )


# --- finding the bindings -------------------------------------------------------------


def module_bindings(tree: ast.Module) -> defaultdict[str, list[Binding]]:
    """name -> every binding of that module-level name, in source order (``*``: star imports)."""
    found: defaultdict[str, list[Binding]] = defaultdict(list)
    for stmt in tree.body:
        scope = _ScopeBindings()
        scope.visit(stmt)
        for name, node in scope.found:
            found[name].append(Binding(node.lineno, node, stmt))  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope = _ScopeBindings()
            for stmt in node.body:
                scope.visit(stmt)
            for name, bound in scope.found:
                if name in scope.declared_global:
                    found[name].append(Binding(bound.lineno, bound, node, node.name))  # type: ignore[attr-defined]
    for names in found.values():
        names.sort(key=lambda b: b.line)
    return found


class _ScopeBindings(ast.NodeVisitor):
    """The names some code binds in its own scope: not in the bodies of nested
    functions, lambdas and classes, nor a comprehension's own variables (each
    has a scope of its own), but a walrus in a comprehension binds here."""

    def __init__(self) -> None:
        self.found: list[tuple[str, ast.AST]] = []
        self.declared_global: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.found.append((node.id, node))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:  # `x: float` alone binds nothing
            self.visit(node.target)
            self.visit(node.value)
        self.visit(node.annotation)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.found.append((node.name, node))
        for expr in [*node.decorator_list, node.returns]:
            if expr is not None:
                self.visit(expr)
        self.visit_arguments(node.args)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit_arguments(node.args)

    def visit_arguments(self, node: ast.arguments) -> None:
        """Defaults and annotations run in the enclosing scope; the parameters do not bind here."""
        every = [
            *node.posonlyargs,
            *node.args,
            *node.kwonlyargs,
            node.vararg,
            node.kwarg,
        ]
        for expr in [*node.defaults, *node.kw_defaults]:
            if expr is not None:
                self.visit(expr)
        for arg in every:
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.found.append((node.name, node))
        for expr in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expr)

    def visit_comprehension_scope(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        for generator in node.generators:  # its targets are the comprehension's own
            self.visit(generator.iter)
            for test in generator.ifs:
                self.visit(test)
        for field in ("elt", "key", "value"):
            if hasattr(node, field):
                self.visit(getattr(node, field))

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = (
        visit_comprehension_scope
    )

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            self.found.append(((alias.asname or alias.name).split(".")[0], alias))

    visit_ImportFrom = visit_Import

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.found.append((node.name, node))
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.found.append((node.name, node))
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.found.append((node.name, node))

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.found.append((node.rest, node))
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self.declared_global.update(node.names)


def _kind(binding: Binding) -> str:
    """``def`` or ``import`` for a top-level statement of that kind itself, else ``other``."""
    if binding.scope is not None:
        return "other"
    if binding.node is binding.top and isinstance(
        binding.top, (ast.FunctionDef, ast.AsyncFunctionDef)
    ):
        return "def"
    if isinstance(binding.top, (ast.Import, ast.ImportFrom)):
        return "import"
    return "other"


def _plain_assignment(stmt: ast.stmt) -> tuple[list[ast.Name], ast.expr | None]:
    """``A = 0.5``, ``A = B = 0.5``, ``A: float = 0.5``: the names, and the value."""
    if isinstance(stmt, ast.Assign) and all(
        isinstance(t, ast.Name) for t in stmt.targets
    ):
        return stmt.targets, stmt.value  # type: ignore[return-value]
    if (
        isinstance(stmt, ast.AnnAssign)
        and isinstance(stmt.target, ast.Name)
        and stmt.value
    ):
        return [stmt.target], stmt.value
    return [], None


def _why_variable(module: Module, found: list[Binding]) -> str:
    """The words after "`X` is a module-level variable" in the message."""
    places = "; ".join(_quoted(module, b) for b in found[:SHOWN_BINDINGS])
    places += "; ..." if len(found) > SHOWN_BINDINGS else ""
    if len(found) > 1:
        return f"that the file binds more than once ({places})"
    binding = found[0]
    if binding.scope is not None:
        return f"that `{binding.scope}` assigns through `global` ({places})"
    if type(binding.top) in COMPOUND:
        return f"bound inside a top-level `{COMPOUND[type(binding.top)]}` ({places})"
    targets, value = _plain_assignment(binding.top)
    if targets and _is_literal(value):  # a string, a dict, None ...
        return f"bound to a value that is not a number ({places})"
    if targets:
        return f"computed when the file runs ({places})"
    return f"not bound by one plain assignment ({places})"


def computed_when_run(module: Module, name: str) -> bool:
    """Whether the module binds ``name`` once, by a plain top-level assignment of a
    value only running the file gives (``W0 = np.eye(3)``): the runtime API's
    live inputs (a name bound more than once is refused there too)."""
    found = module_bindings(module.tree).get(name, [])
    if len(found) != 1 or found[0].scope is not None or type(found[0].top) in COMPOUND:
        return False
    targets, value = _plain_assignment(found[0].top)
    return bool(targets) and not _is_literal(value)


def read_when_run(module: Module, functions: list[ast.FunctionDef]) -> tuple[str, ...]:
    """The module variables computed when the file runs (``computed_when_run``)
    that ``functions`` read as globals, by Python's own scoping (symtable: a name
    the function binds anywhere is its local), in order of first reading."""
    wanted = {n for n in module.variables if computed_when_run(module, n)}
    top = _symbols(module.source.text, module.source.path) if wanted else None
    if top is None:  # none, or text Python would not compile: refused as before
        return ()
    tables = {(t.get_name(), t.get_lineno()): t for t in top.get_children()}
    names: dict[str, None] = {}
    for fn in functions:
        todo = [tables[(fn.name, fn.lineno)]] if (fn.name, fn.lineno) in tables else []
        while todo:  # the function, then its comprehensions, lambdas, nested defs
            table = todo.pop(0)
            names.update(
                (s.get_name(), None)
                for s in table.get_symbols()
                if s.is_global() and s.is_referenced() and s.get_name() in wanted
            )
            todo += table.get_children()
    return tuple(names)


@functools.lru_cache(maxsize=8)
def _symbols(text: str, path: str) -> symtable.SymbolTable | None:
    try:
        return symtable.symtable(text, path, "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _is_literal(node: ast.expr | None) -> bool:
    try:
        ast.literal_eval(node)  # type: ignore[arg-type]
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return False
    return True


def _quoted(module: Module, binding: Binding) -> str:
    text = module.source.line(binding.line).strip()
    if len(text) > SHOWN_CHARACTERS:
        text = text[: SHOWN_CHARACTERS - 3] + "..."
    where = f", in `{binding.scope}`" if binding.scope else ""
    return f"line {binding.line}{where}: `{text}`"


# --- constant values ------------------------------------------------------------------


def constant_value(
    node: ast.expr, module: Module, bindings: dict[str, list[Binding]]
) -> ast.expr | None:
    """``node`` as a literal expression, if it is a number (or nested list or tuple of
    numbers) known from the text alone; else None."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        folded = _number(node, module, bindings)
        return None if folded is None else ast.copy_location(_literal(folded), node)
    return node if _is_numeric(value) else None


def _number(
    node: ast.expr, module: Module, bindings: dict[str, list[Binding]]
) -> int | float | None:
    """The value of arithmetic on numbers, earlier constants and ``np.pi``; None if
    it is anything else, or not a finite number (``1 / 0``, ``(-1) ** 0.5``)."""
    value: object = None
    if isinstance(node, ast.Constant):
        value = node.value
    elif isinstance(node, ast.Name) and node.id in module.constants:
        value = ast.literal_eval(module.constants[node.id])
    elif isinstance(node, (ast.Name, ast.Attribute)):
        value = _library_constant(node, module, bindings)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _number(node.operand, module, bindings)
        value = (
            None
            if operand is None
            else (-operand if isinstance(node.op, ast.USub) else +operand)
        )
    elif isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
        left = _number(node.left, module, bindings)
        right = _number(node.right, module, bindings)
        if (
            left is not None
            and right is not None
            and not _too_big(node.op, left, right)
        ):
            try:
                value = ARITHMETIC[type(node.op)](left, right)
            except (ArithmeticError, ValueError):
                value = None
    return value if _is_finite_number(value) else None  # type: ignore[return-value]


def _library_constant(
    node: ast.Name | ast.Attribute, module: Module, bindings: dict[str, list[Binding]]
) -> float | None:
    """``np.pi``, ``math.e``, ``pi`` after ``from numpy import pi``: if the name
    they start from is bound by imports only."""
    root = node
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return None
    if {_kind(b) for b in bindings.get(root.id, [])} != {"import"}:
        return None
    return CONSTANTS.get(module.qualified_name(node) or "")


def _too_big(op: ast.operator, left: int | float, right: int | float) -> bool:
    """Would ``left ** right`` be an integer too large to compute quickly?"""
    return (
        isinstance(op, ast.Pow)
        and isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and abs(left) > 1
        and left.bit_length() * right > MAX_INT_BITS
    )


def _is_finite_number(value: object) -> bool:
    if isinstance(value, int):  # bool too
        return value.bit_length() <= MAX_INT_BITS
    return isinstance(value, float) and math.isfinite(value)


def _literal(value: int | float) -> ast.expr:
    """``-0.5`` as the expression ``ast.literal_eval`` reads back."""
    if value < 0 or (value == 0 and math.copysign(1.0, value) < 0):
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def _is_numeric(value: object) -> bool:
    """A number, or a (nested) list or tuple of numbers."""
    if isinstance(value, (list, tuple)):
        return all(_is_numeric(v) for v in value)
    return isinstance(value, (int, float))


def default_value(module: Module, node: ast.expr) -> Const | None:
    """A default parameter value adgen knows statically: a number (``2.0``,
    ``-1``, ``True``) or a module constant's name; None for anything else."""
    if isinstance(node, ast.Name) and node.id in module.constants:
        node = module.constants[node.id]
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, (int, float)):  # bool is an int
        return Const(value)
    return None
