"""The output IR: the generated module as data, from the sweeps to the printer.

The sweeps (``sweeps.py``, ``forward.py``) describe what the generated
module does; the passes of ``optimize`` rewrite that description; ``emit``
prints it, once.  No stage in between reads or writes Python text.  For the
lecture's ``f(x1, x2) = x1 * x2 + sin(x1)`` the fused gradient is::

    Function("grad_f", GRAD, ["x1", "x2"], doc, [
        Comment("n5 = n3 + n4"),
        Assign("n3_bar", <n5_bar>), Assign("n4_bar", <n5_bar>),
        Comment("n4 = np.sin(x1)"),
        Assign("x1_bar", <n4_bar * np.cos(x1)>),
        Comment("n3 = x1 * x2"),
        Accumulate("x1_bar", <x1_bar + n3_bar * x2>),
        Assign("x2_bar", <n3_bar * x1>),
        Return(<(x1_bar, x2_bar)>),
    ])

Statements are typed by what they do for the chain rule (an ``Accumulate``
is a later contribution to an adjoint, a ``Push``/``Pop`` records a value
for the backward sweep), so a pass asks ``isinstance``, not the shape of a
line.  Expressions stay ``ast.expr``: the derivative rules build them
(``expr.py``) and the simplifier rewrites them.  ``print_function`` and
``print_statements`` give the text ``--dump`` shows and black formats.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

# --- roles: what an emitted function is for (passes choose by role, not by name)
FORWARD = "forward"  # forward_f: the primal and the tape
BACKWARD = "backward"  # backward_f: the adjoints, given the tape and a seed
GRAD = "grad"  # grad_f: both sweeps fused
VALUE_AND_GRAD = "value_and_grad"  # value_and_grad_f: the value too
JVP = "jvp"  # jvp_f: forward mode
FUSED = (GRAD, VALUE_AND_GRAD)


# --- statements ------------------------------------------------------------
@dataclass(frozen=True)
class Comment:
    """``# text``: the user's statement a group of lines computes, or why."""

    text: str


@dataclass(frozen=True)
class Assign:
    """``target = value``: a primal node, or an adjoint's first contribution."""

    target: str
    value: ast.expr


@dataclass(frozen=True)
class Accumulate:
    """``target = target + contribution``: a later contribution to an adjoint (the
    lecture's v̄1 = v̄1 + v̄4 · v2), written out rather than ``+=`` so that an
    array the caller passed is never changed in place.  ``value`` is the whole
    right-hand side, as the simplifier left it (``x_bar - n4_bar``)."""

    target: str
    value: ast.expr


@dataclass(frozen=True)
class Unpack:
    """``a, b = value``: the tape, or several results."""

    targets: tuple[str, ...]
    value: ast.expr


@dataclass(frozen=True)
class Push:
    """``stack.append(name)``: a value a branch or loop computes, for the backward sweep."""

    stack: str
    name: str


@dataclass(frozen=True)
class Pop:
    """``name = stack.pop()``: the value back, in reverse order."""

    name: str
    stack: str


@dataclass(frozen=True)
class Increment:
    """``name += 1``: a loop that may stop early counts its iterations."""

    name: str


@dataclass(frozen=True)
class Delete:
    """``del a, b``: arrays freed after their last use."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class Effect:
    """``print(...)`` (``value`` the call), or ``assert value, message``: a
    statement of the model kept for what it does, in the forward sweep only."""

    value: ast.expr
    is_assert: bool = False
    message: str | None = None


@dataclass(frozen=True)
class Break:
    pass


@dataclass(frozen=True)
class Return:
    value: ast.expr


@dataclass(frozen=True)
class ScalarCheck:
    """``if np.ndim(name) != 0: raise ValueError(message)``: a fused gradient
    whose output's shape is only known at run time checks it is a scalar."""

    name: str
    message: str
    ndim: str = "np.ndim"  # the function that reads a rank (the array-api target's)


@dataclass(frozen=True)
class If:
    cond: ast.expr
    then: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()


@dataclass(frozen=True)
class For:
    """``for index in iterable:``; ``index`` is ``_`` where the body does not read it."""

    index: str
    iterable: ast.expr
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class While:
    cond: ast.expr
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class FloatPath:
    """A fused gradient of Python floats: ``body`` runs inside ``try:`` with
    ``math``; where it raises (an array, ``log(0)``), the floats become numpy
    floats (``convert``) and ``fallback`` runs the two numpy sweeps."""

    comment: tuple[str, ...]
    body: tuple[Stmt, ...]
    params: tuple[str, ...]
    convert: str  # the runtime helper that makes them numpy floats
    fallback: tuple[Stmt, ...]


@dataclass(frozen=True)
class Rerun:
    """``try: body`` ``except ArithmeticError: handler``: where Python's float
    arithmetic raises (``1 / 0.0``), ``handler`` runs the function again with its
    Python floats made numpy floats, which give inf or nan instead."""

    body: tuple[Stmt, ...]
    handler: tuple[Stmt, ...]


Stmt = (
    Comment
    | Assign
    | Accumulate
    | Unpack
    | Push
    | Pop
    | Increment
    | Delete
    | Effect
    | Break
    | Return
    | ScalarCheck
    | If
    | For
    | While
    | FloatPath
    | Rerun
)
BLOCKS = (If, For, While, FloatPath, Rerun)


@dataclass(frozen=True)
class Param:
    """A parameter, with a default (``n5_bar=1.0``) or without; keyword-only
    parameters come last, after a ``*``."""

    name: str
    default: ast.expr | None = None
    annotation: ast.expr | None = (
        None  # a declared shape, for code read back as a model
    )
    keyword_only: bool = False  # a module variable passed by name (module_inputs.py)


@dataclass(frozen=True)
class Function:
    name: str
    role: str
    params: tuple[Param, ...]
    doc: str
    body: tuple[Stmt, ...]
    model: str = ""  # the model function it is generated from
    returns_aux: bool = False  # has_aux: it returns the model's aux beside its results


@dataclass(frozen=True)
class Note:
    """Comment lines between functions (a ``grad_f`` that cannot exist says why)."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Verbatim:
    """A definition copied from the model file (a custom rule's helpers), as text,
    with the names it reads and the name of the function it defines."""

    text: str
    reads: frozenset[str] = frozenset()
    name: str = ""


Definition = Function | Note | Verbatim


@dataclass(frozen=True)
class Program:
    """A generated module: its header, the imports custom rules need, its definitions."""

    header: tuple[str, ...]
    imports: tuple[str, ...]
    definitions: tuple[Definition, ...]
    stale_check: tuple[str, ...] = ()  # lines after the imports (warn_if_stale)

    def functions(self, *roles: str) -> Iterator[Function]:
        for d in self.definitions:
            if isinstance(d, Function) and (not roles or d.role in roles):
                yield d

    def names_by_role(self) -> dict[tuple[str, str], str]:
        """``(model, role) -> name`` of each function: how a pass finds, say, the
        sweeps a fused gradient falls back to, without reading names."""
        return {(f.model, f.role): f.name for f in self.functions()}

    def with_functions(self, rewrite) -> Program:
        """This program with each function replaced by ``rewrite(function)``."""
        return replace(
            self,
            definitions=tuple(
                rewrite(d) if isinstance(d, Function) else d for d in self.definitions
            ),
        )


# --- reading the IR ----------------------------------------------------------
def children(stmt: Stmt) -> tuple[tuple[Stmt, ...], ...]:
    """The blocks nested in ``stmt``."""
    if isinstance(stmt, If):
        return (stmt.then, stmt.orelse)
    if isinstance(stmt, For | While):
        return (stmt.body,)
    if isinstance(stmt, FloatPath):
        return (stmt.body, stmt.fallback)
    if isinstance(stmt, Rerun):
        return (stmt.body, stmt.handler)
    return ()


def walk(body: tuple[Stmt, ...]) -> Iterator[Stmt]:
    """Every statement of ``body``, nested ones included, in order."""
    for stmt in body:
        yield stmt
        for block in children(stmt):
            yield from walk(block)


def is_straight_line(body: tuple[Stmt, ...]) -> bool:
    return not any(isinstance(s, BLOCKS) for s in body)


def expressions(stmt: Stmt) -> tuple[ast.expr, ...]:
    """The expressions ``stmt`` itself evaluates (not those of nested blocks)."""
    if isinstance(stmt, Assign | Accumulate | Unpack | Return | Effect):
        return (stmt.value,)
    if isinstance(stmt, If | While):
        return (stmt.cond,)
    if isinstance(stmt, For):
        return (stmt.iterable,)
    return ()


def reads(stmt: Stmt) -> list[str]:
    """The names ``stmt`` itself reads, in order, repeats included (not nested blocks)."""
    names = [
        n.id for e in expressions(stmt) for n in ast.walk(e) if isinstance(n, ast.Name)
    ]
    if isinstance(stmt, Push):
        names += [stmt.stack, stmt.name]
    elif isinstance(stmt, Pop | Increment):
        names.append(stmt.stack if isinstance(stmt, Pop) else stmt.name)
    elif isinstance(stmt, Delete):
        names += stmt.names
    elif isinstance(stmt, ScalarCheck):  # and its ndim helper (array-api's)
        names += [stmt.name] + ([stmt.ndim] if "." not in stmt.ndim else [])
    elif isinstance(stmt, FloatPath):
        names += [*stmt.params, stmt.convert]
    return names


def writes(stmt: Stmt) -> set[str]:
    """The names ``stmt`` itself binds, rebinds, deletes or changes in place."""
    if isinstance(stmt, Assign | Accumulate):
        return {stmt.target}
    if isinstance(stmt, Unpack):
        return set(stmt.targets)
    if isinstance(stmt, Pop):
        return {stmt.name, stmt.stack}
    if isinstance(stmt, Push):
        return {stmt.stack}
    if isinstance(stmt, Increment):
        return {stmt.name}
    if isinstance(stmt, Delete):
        return set(stmt.names)
    if isinstance(stmt, For):
        return {stmt.index}
    if isinstance(stmt, FloatPath):
        return set(stmt.params)
    return set()


def assignment(target: str, value: ast.expr) -> Assign | Accumulate:
    """``target = value``, typed: an ``Accumulate`` where ``value`` adds to (or
    subtracts from) the target's own value."""
    if (
        isinstance(value, ast.BinOp)
        and isinstance(value.op, ast.Add | ast.Sub)
        and isinstance(value.left, ast.Name)
        and value.left.id == target
    ):
        return Accumulate(target, value)
    return Assign(target, value)


def with_value(stmt: Assign | Accumulate, value: ast.expr) -> Assign | Accumulate:
    return assignment(stmt.target, value)


def map_statements(
    body: tuple[Stmt, ...], rewrite: Callable[[Stmt], Stmt]
) -> tuple[Stmt, ...]:
    """``body`` with every statement that holds no block, nested ones included,
    replaced by ``rewrite(statement)``; the blocks are rebuilt around them."""
    out = []
    for stmt in body:
        if isinstance(stmt, If):
            stmt = replace(
                stmt,
                then=map_statements(stmt.then, rewrite),
                orelse=map_statements(stmt.orelse, rewrite),
            )
        elif isinstance(stmt, For | While):
            stmt = replace(stmt, body=map_statements(stmt.body, rewrite))
        elif isinstance(stmt, FloatPath):
            stmt = replace(
                stmt,
                body=map_statements(stmt.body, rewrite),
                fallback=map_statements(stmt.fallback, rewrite),
            )
        elif isinstance(stmt, Rerun):
            stmt = replace(
                stmt,
                body=map_statements(stmt.body, rewrite),
                handler=map_statements(stmt.handler, rewrite),
            )
        else:
            stmt = rewrite(stmt)
        out.append(stmt)
    return tuple(out)


def names_used(program: Program) -> set[str]:
    """Every name the module's code reads or binds (for its imports)."""
    used: set[str] = set()
    for d in program.definitions:
        if isinstance(d, Verbatim):
            used |= d.reads
        elif isinstance(d, Function):
            for stmt in walk(d.body):
                used |= set(reads(stmt)) | writes(stmt)
            for p in d.params:
                if p.default is not None:
                    used |= {
                        n.id for n in ast.walk(p.default) if isinstance(n, ast.Name)
                    }
    return used


def fractional_powers(program: Program) -> bool:
    """Whether the module's code raises a value to a power that is not an integer
    constant (``x ** 0.5``, ``x ** y``) or calls builtin ``pow``: of a negative
    Python float the result is complex, where a numpy float gives nan (the
    runtime API passes numpy floats to such a module)."""
    return any(
        _fractional_power(n)
        for d in program.definitions
        if isinstance(d, Function)
        for stmt in walk(d.body)
        for e in expressions(stmt)
        for n in ast.walk(e)
    )


def _fractional_power(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "pow"
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)):
        return False
    exponent = node.right
    if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub):
        exponent = exponent.operand
    value = exponent.value if isinstance(exponent, ast.Constant) else None
    whole = type(value) is int or (type(value) is float and value.is_integer())
    return not whole


# --- printing ----------------------------------------------------------------
INDENT = "    "


def print_program(program: Program, imports: tuple[str, ...] = ()) -> str:
    """The module's text, before black formats it; ``imports`` go before the
    ones custom rules need."""
    header = [*program.header, *imports, *program.imports, *program.stale_check]
    parts = [print_definition(d) for d in program.definitions]
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(parts) + "\n"


def describe(program: Program) -> str:
    """The IR for ``adgen compile --dump program`` (and ``optimize``): each
    definition as it prints, a function under a line with its role and model;
    no header or imports, which emit adds."""
    parts = [
        (
            f"# role {d.role}, model {d.model}\n{print_definition(d)}"
            if isinstance(d, Function)
            else print_definition(d)
        )
        for d in program.definitions
    ]
    return "\n\n".join(parts)


def print_definition(d: Definition) -> str:
    if isinstance(d, Verbatim):
        return d.text
    if isinstance(d, Note):
        return "\n".join(d.lines)
    return "\n".join(print_function(d))


def print_function(fn: Function) -> list[str]:
    positional = [_param(p) for p in fn.params if not p.keyword_only]
    named = [_param(p) for p in fn.params if p.keyword_only]
    params = ", ".join(positional + (["*", *named] if named else []))
    doc = "\n".join(f"{INDENT}{line}" if line else "" for line in fn.doc.split("\n"))
    return [
        f"def {fn.name}({params}):",
        f'{INDENT}"""{doc.removeprefix(INDENT)}"""',
        *indent(print_statements(fn.body)),
    ]


def _param(p: Param) -> str:
    text = p.name if p.annotation is None else f"{p.name}: {ast.unparse(p.annotation)}"
    return text if p.default is None else f"{text}={ast.unparse(p.default)}"


def print_statements(body: tuple[Stmt, ...]) -> list[str]:
    lines: list[str] = []
    for stmt in body:
        lines += _print(stmt)
    return lines


def _print(stmt: Stmt) -> list[str]:
    return _PRINTERS[type(stmt)](stmt)


def _print_if(stmt: If) -> list[str]:
    lines = [f"if {ast.unparse(stmt.cond)}:", *_block(stmt.then)]
    return lines + (["else:", *_block(stmt.orelse)] if stmt.orelse else [])


def _print_scalar_check(stmt: ScalarCheck) -> list[str]:
    return [
        f"if {stmt.ndim}({stmt.name}) != 0:",
        f"{INDENT}raise ValueError({stmt.message!r})",
    ]


def _print_float_path(path: FloatPath) -> list[str]:
    args = ", ".join(path.params)
    targets = _targets(path.params)
    return [
        *(f"# {line}" for line in path.comment),
        "try:",
        *_block(path.body),
        "except (ArithmeticError, TypeError, ValueError):",
        f"{INDENT}{targets} = {path.convert}({args})",
        *print_statements(path.fallback),
    ]


_PRINTERS = {
    Comment: lambda s: [f"# {s.text}"],
    Assign: lambda s: [f"{s.target} = {ast.unparse(s.value)}"],
    Accumulate: lambda s: [f"{s.target} = {ast.unparse(s.value)}"],
    Unpack: lambda s: [f"{_targets(s.targets)} = {ast.unparse(s.value)}"],
    Push: lambda s: [f"{s.stack}.append({s.name})"],
    Pop: lambda s: [f"{s.name} = {s.stack}.pop()"],
    Increment: lambda s: [f"{s.name} += 1"],
    Delete: lambda s: [f"del {', '.join(s.names)}"],
    Effect: lambda s: [_effect(s)],
    Break: lambda s: ["break"],
    Return: lambda s: [f"return {_returned(s.value)}"],
    ScalarCheck: _print_scalar_check,
    If: _print_if,
    For: lambda s: [f"for {s.index} in {ast.unparse(s.iterable)}:", *_block(s.body)],
    While: lambda s: [f"while {ast.unparse(s.cond)}:", *_block(s.body)],
    FloatPath: _print_float_path,
    Rerun: lambda s: [
        "try:",
        *_block(s.body),
        "except ArithmeticError:",
        *_block(s.handler),
    ],
}


def _effect(stmt: Effect) -> str:
    if not stmt.is_assert:
        return ast.unparse(stmt.value)
    message = "" if stmt.message is None else f", {stmt.message!r}"
    return f"assert {ast.unparse(stmt.value)}{message}"


def _targets(names: tuple[str, ...]) -> str:
    return f"({names[0]},)" if len(names) == 1 else ", ".join(names)


def _returned(value: ast.expr) -> str:
    """``a, (b, c)``: a returned tuple of two or more without its redundant
    parentheses (black keeps what it is given)."""
    if isinstance(value, ast.Tuple) and len(value.elts) > 1:
        return ", ".join(ast.unparse(e) for e in value.elts)
    return ast.unparse(value)


def _block(body: tuple[Stmt, ...]) -> list[str]:
    return indent(print_statements(body) or ["pass"])


def indent(lines: list[str]) -> list[str]:
    return [INDENT + line if line else line for line in lines]


__all__ = [
    "BACKWARD",
    "FORWARD",
    "FUSED",
    "GRAD",
    "JVP",
    "VALUE_AND_GRAD",
    "Accumulate",
    "Assign",
    "Break",
    "Comment",
    "Definition",
    "Delete",
    "FloatPath",
    "For",
    "Function",
    "If",
    "Increment",
    "Note",
    "Param",
    "Pop",
    "Program",
    "Push",
    "Rerun",
    "Return",
    "ScalarCheck",
    "Stmt",
    "Unpack",
    "Verbatim",
    "While",
    "assignment",
    "children",
    "describe",
    "expressions",
    "is_straight_line",
    "map_statements",
    "names_used",
    "print_function",
    "print_program",
    "print_statements",
    "reads",
    "walk",
    "with_value",
    "writes",
]
