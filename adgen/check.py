"""Stage 2, check: reject what adgen does not differentiate, early and precisely.

Every function to compile, and every helper it calls, is checked before any
transformation.  What passes here, the later passes handle; what fails gets
one located error with a suggested rewrite.

The syntactic alias analysis lives here too (``arrays_shared_in``: which names
a block makes the same array, or a view of it).  The refusals of ``x += y``
that also need lowering's knowledge (which names hold numbers, which values
are views, a helper's parameters) are in ``normalize/aliases.py``.
"""

from __future__ import annotations

import ast

from .bindings import default_value
from .check_effects import check_assert, check_expression_statement
from .errors import (
    AdgenError,
    MutationNotSupported,
    RecursionNotSupported,
    UnsupportedSyntax,
)
from .exits import structure_exits, walk_statements
from .parse import Module, adgen_decorators, called_helpers, reachable_helpers

# Statements outside the language: (error class, what it is, what to do instead).
# Control flow (if/for/while/break/continue/early return) is supported.
STATEMENTS: dict[type, tuple[type[AdgenError], str, str]] = {
    ast.Match: (
        UnsupportedSyntax,
        "`match` statements are not supported",
        "write it as if/elif/else",
    ),
    ast.Try: (
        UnsupportedSyntax,
        "`try` blocks cannot be differentiated",
        "remove the try/except; validate inputs before calling",
    ),
    ast.With: (
        UnsupportedSyntax,
        "`with` blocks cannot be differentiated",
        "move the `with` outside the function",
    ),
    ast.Raise: (
        UnsupportedSyntax,
        "`raise` cannot be differentiated",
        "validate inputs before calling the function",
    ),
    ast.Delete: (
        UnsupportedSyntax,
        "`del` is not supported",
        "remove the `del` statement",
    ),
    ast.Global: (
        UnsupportedSyntax,
        "`global` is not supported",
        "pass the value as a parameter and return results",
    ),
    ast.Nonlocal: (
        UnsupportedSyntax,
        "`nonlocal` is not supported",
        "pass the value as a parameter and return results",
    ),
    ast.Import: (
        UnsupportedSyntax,
        "imports inside a function are not supported",
        "move the import to the top of the file",
    ),
    ast.ImportFrom: (
        UnsupportedSyntax,
        "imports inside a function are not supported",
        "move the import to the top of the file",
    ),
    ast.FunctionDef: (  # a local def lifting.py did not lift (it says why first)
        UnsupportedSyntax,
        "this local function is not supported",
        "define it at the top level of the function body, or of the file",
    ),
    ast.AsyncFunctionDef: (
        UnsupportedSyntax,
        "`async def` inside a function is not supported",
        "write a plain `def`",
    ),
    ast.ClassDef: (
        UnsupportedSyntax,
        "classes are not supported",
        "write the computation as a top-level function",
    ),
    ast.AsyncFor: (
        UnsupportedSyntax,
        "`async for` is not supported",
        "write a plain function",
    ),
    ast.AsyncWith: (
        UnsupportedSyntax,
        "`async with` is not supported",
        "write a plain function",
    ),
}

EXPRESSIONS: dict[type, tuple[type[AdgenError], str, str]] = {
    ast.Lambda: (
        UnsupportedSyntax,
        "lambda expressions are supported only as `name = lambda ...` in a function body",
        "assign it to a name first (`act = lambda z: ...`), or define a helper with `def`",
    ),
    ast.SetComp: (
        UnsupportedSyntax,
        "comprehensions are not supported",
        "use vectorized numpy operations",
    ),
    ast.DictComp: (
        UnsupportedSyntax,
        "comprehensions are not supported",
        "use vectorized numpy operations",
    ),
    ast.Yield: (UnsupportedSyntax, "generators are not supported", "return one value"),
    ast.YieldFrom: (
        UnsupportedSyntax,
        "generators are not supported",
        "return one value",
    ),
    ast.Await: (
        UnsupportedSyntax,
        "`await` is not supported",
        "write a plain function",
    ),
    ast.NamedExpr: (
        UnsupportedSyntax,
        "`:=` is not supported",
        "assign with a separate statement",
    ),
    ast.Starred: (
        UnsupportedSyntax,
        "star-arguments are not supported",
        "pass each argument by position",
    ),
    ast.Set: (UnsupportedSyntax, "sets are not supported", "use numpy arrays"),
    ast.JoinedStr: (
        UnsupportedSyntax,
        "f-strings are not supported",
        "remove string formatting from the function",
    ),
}

ALLOWED_STATEMENTS = (
    ast.Assign,
    ast.AugAssign,
    ast.AnnAssign,
    ast.Return,
    ast.Expr,
    ast.Assert,
    ast.Pass,
    ast.If,
    ast.For,
    ast.While,
    ast.Break,
    ast.Continue,
)
AUGMENTED_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult)


def check_function(module: Module, fn: ast.FunctionDef) -> None:
    """Raise the first problem found in ``fn`` or the helpers it calls."""
    _check_recursion(module, fn)
    for f in [fn, *reachable_helpers(module, fn)]:
        if module.functions.get(f.name) is f and f.name in module.lift_refusals:
            # a local function of f that lifting.py refused
            raise module.lift_refusals[f.name]
        _check_signature(module, f)
        _check_body(module, f, is_target=f is fn)
        _check_writes(module, f)
    _check_declared_shapes(module, fn)


def _fail(
    module: Module, node: ast.AST, cls: type[AdgenError], message: str, hint: str = ""
) -> None:
    raise cls(message, module.location(node), hint)


def _check_signature(module: Module, fn: ast.FunctionDef) -> None:
    a = fn.args
    for star, prefix in ((a.vararg, "*"), (a.kwarg, "**")):
        if star:
            _fail(
                module,
                star,
                UnsupportedSyntax,
                f"`{prefix}{star.arg}` parameters are not supported",
                "list each parameter by name",
            )
    if a.kwonlyargs:
        _fail(
            module,
            a.kwonlyargs[0],
            UnsupportedSyntax,
            "keyword-only parameters are not supported",
            "make it a positional parameter",
        )
    for default in a.defaults:
        if default_value(module, default) is None:
            _fail(
                module,
                default,
                UnsupportedSyntax,
                "a default parameter value must be a number or a module constant",
                "write a number (scale=2.0), or remove the default and pass the value",
            )
    known = adgen_decorators(module, fn)
    for deco in fn.decorator_list:
        if deco not in known.values():
            _fail(
                module,
                deco,
                UnsupportedSyntax,
                "unknown decorator: adgen cannot see what it does",
                "remove it; adgen reads only @adgen.wrt(...), @adgen.shapes(...), @adgen.has_aux "
                "(and @adgen.defvjp(f)/@adgen.defjvp(f) on a rule, which is not compiled)",
            )
        if not isinstance(deco, ast.Call) and deco is not known.get("adgen.has_aux"):
            _fail(
                module,
                deco,
                UnsupportedSyntax,
                "this decorator needs arguments",
                'write @wrt("w", "b") or @shapes(X="n 3")',
            )


def _check_declared_shapes(module: Module, fn: ast.FunctionDef) -> None:
    """``@adgen.shapes(X="n 784", w="784")``: each keyword a parameter given a string.
    Only the compiled function's are read (a helper takes its caller's shapes)."""
    deco = adgen_decorators(module, fn).get("adgen.shapes")
    if deco is None:
        return
    params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    hint = 'write @shapes(X="batch 784", b="256")'
    for k in deco.keywords:
        if k.arg not in params or not _is_shape_declaration(k.value):
            message = (
                f"@adgen.shapes: `{k.arg}` must be a parameter given a string of "
                "dimensions (or, for a container, a dict, list or tuple of them)"
            )
            _fail(module, k.value, UnsupportedSyntax, message, hint)
    if deco.args:
        message = "@adgen.shapes takes keyword arguments only"
        _fail(module, deco, UnsupportedSyntax, message, hint)


def _is_shape_declaration(node: ast.expr) -> bool:
    """A string of dimensions, or a container of them: ``{"W": "2 3", "b": "3"}``,
    ``[("2 3", "3"), ("3 1", "1")]`` (a non-empty dict with string keys, list, tuple).
    """
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Dict):
        keys_ok = all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys
        )
        return (
            bool(node.keys) and keys_ok and all(map(_is_shape_declaration, node.values))
        )
    if isinstance(node, (ast.List, ast.Tuple)):
        return bool(node.elts) and all(map(_is_shape_declaration, node.elts))
    return False


def _check_body(module: Module, fn: ast.FunctionDef, is_target: bool) -> None:
    body = fn.body
    _check_block(module, body, in_loop=False, at_top=True)
    if not body or not _returns_on_every_path(body):
        _fail(
            module,
            fn,
            UnsupportedSyntax,
            f"function `{fn.name}` must end with `return <value>` on every path",
            "return the value to differentiate (after a loop or if/else too)",
        )
    for stmt in body:
        for node in ast.walk(stmt):
            if type(node) in EXPRESSIONS:
                _fail(module, node, *EXPRESSIONS[type(node)])
            if isinstance(node, ast.Call) and any(k.arg is None for k in node.keywords):
                _fail(
                    module,
                    node,
                    UnsupportedSyntax,
                    "`**kwargs` arguments are not supported",
                    "pass each keyword argument by name",
                )
            if isinstance(node, ast.Return) and node.value is None:
                _fail(
                    module,
                    node,
                    UnsupportedSyntax,
                    "a bare `return` gives no value to differentiate",
                    "return a value",
                )
            # a tuple returned by the compiled function: refused by the lowerer,
            # which knows has_aux (the runtime API's, not only the decorator's)


def _returns_on_every_path(body: list[ast.stmt]) -> bool:
    """After early exits are made structured: every path ends in ``return``."""

    def ends_in_return(stmts: list[ast.stmt]) -> bool:
        last = stmts[-1] if stmts else None
        if isinstance(last, ast.Return):
            return True
        return (
            isinstance(last, ast.If)
            and ends_in_return(last.body)
            and ends_in_return(last.orelse)
        )

    names = {"result": "result", "returned": "returned"}
    return ends_in_return(structure_exits(body, names))


def _check_block(
    module: Module, stmts: list[ast.stmt], in_loop: bool, at_top: bool = False
) -> None:
    for i, stmt in enumerate(stmts):
        _check_statement(module, stmt, is_first=at_top and i == 0, in_loop=in_loop)
        if isinstance(stmt, ast.If):
            _check_block(module, stmt.body, in_loop)
            _check_block(module, stmt.orelse, in_loop)
        elif isinstance(stmt, (ast.For, ast.While)):
            _check_loop(module, stmt)
            _check_block(module, stmt.body, in_loop=True)


def _check_loop(module: Module, loop: ast.For | ast.While) -> None:
    keyword = "for" if isinstance(loop, ast.For) else "while"
    if loop.orelse:
        _fail(
            module,
            loop.orelse[0],
            UnsupportedSyntax,
            f"`{keyword} ... else` is not supported",
            "set a flag before `break` and test it after the loop",
        )
    if isinstance(loop, ast.For) and not _is_loop_target(loop.target):
        _fail(
            module,
            loop.target,
            UnsupportedSyntax,
            "a `for` loop must bind one plain name",
            "loop over an index (`for i in range(len(xs))`) and unpack inside the loop",
        )


def _is_loop_target(target: ast.expr) -> bool:
    """``for W in ...``, or ``for W, b in layers`` (a container's items, unpacked)."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(map(_is_loop_target, target.elts))
    return isinstance(target, ast.Name)


def _check_statement(
    module: Module, stmt: ast.stmt, is_first: bool, in_loop: bool
) -> None:
    if type(stmt) in STATEMENTS:
        _fail(module, stmt, *STATEMENTS[type(stmt)])
    if not isinstance(stmt, ALLOWED_STATEMENTS):
        _fail(
            module,
            stmt,
            UnsupportedSyntax,
            f"`{type(stmt).__name__}` statements are not supported",
            "use assignments, if/for/while and return",
        )
    if isinstance(stmt, (ast.Break, ast.Continue)) and not in_loop:
        word = "break" if isinstance(stmt, ast.Break) else "continue"
        _fail(
            module,
            stmt,
            UnsupportedSyntax,
            f"`{word}` outside a loop",
            "use it inside a for or while loop",
        )
    if (
        isinstance(stmt, ast.Expr) and type(stmt.value) in EXPRESSIONS
    ):  # a bare `yield x`
        _fail(module, stmt.value, *EXPRESSIONS[type(stmt.value)])
    is_docstring = (
        is_first and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
    )
    if isinstance(stmt, ast.Expr):  # print(...) kept, a docstring skipped
        is_docstring = is_docstring and isinstance(stmt.value.value, str)
        check_expression_statement(module, stmt, is_docstring)
    if isinstance(stmt, ast.Assert):
        check_assert(module, stmt)
    targets = {
        ast.Assign: lambda: stmt.targets,
        ast.AugAssign: lambda: [stmt.target],
        ast.AnnAssign: lambda: [stmt.target],
    }.get(type(stmt), list)()
    for target in targets:
        _check_target(module, target)
    if isinstance(stmt, ast.AugAssign) and not isinstance(stmt.op, AUGMENTED_OPS):
        _fail(
            module,
            stmt,
            UnsupportedSyntax,
            "this augmented assignment is not supported",
            "use `x = x <op> y`, with one of + - * / ** @",
        )
    if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
        _fail(
            module,
            stmt,
            UnsupportedSyntax,
            "a bare annotation declares nothing to compute",
            "remove it, or assign a value",
        )


def _check_target(module: Module, target: ast.expr, top: bool = True) -> None:
    if isinstance(target, ast.Name):
        return
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _check_target(module, element, top=False)
        return
    if isinstance(target, ast.Subscript) and top:
        if isinstance(target.value, ast.Name):
            return  # y[i] = v: a write, checked with its function (_check_writes)
        _fail(
            module,
            target,
            MutationNotSupported,
            f"`{ast.unparse(target)} = ...` writes through a view of an array",
            "write into the array itself, with one index: `y[0, 1] = v`",
        )
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        what = (
            "writing into an array element inside an unpacking"
            if isinstance(target, ast.Subscript)
            else "assigning to an attribute"
        )
        _fail(
            module,
            target,
            MutationNotSupported,
            f"{what} is not supported (in-place mutation)",
            "assign to a plain name, then write: `a, b = ...; y[0] = a`",
        )
    _fail(
        module,
        target,
        UnsupportedSyntax,
        "this assignment target is not supported",
        "assign to a plain name",
    )


def _check_recursion(module: Module, fn: ast.FunctionDef) -> None:
    """Refuse a helper that calls itself, directly or through others.

    A depth-first walk of the call graph with an explicit stack (a chain of
    helpers may be as long as the file), visiting each function once."""
    path, on_path, finished = [fn.name], {fn.name}, set()
    pending = [iter(called_helpers(module, fn))]
    while pending:
        name = next(pending[-1], None)
        if name is None:
            pending.pop()
            finished.add(path[-1])
            on_path.discard(path.pop())
        elif name in on_path:
            _refuse_recursion(module, path, name)
        elif name not in finished:
            path.append(name)
            on_path.add(name)
            pending.append(iter(called_helpers(module, module.functions[name])))


def _refuse_recursion(module: Module, path: list[str], name: str) -> None:
    caller = module.functions[path[-1]]
    call = next(
        n
        for n in ast.walk(caller)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == name
    )
    chain = " -> ".join([*path[path.index(name) :], name])
    raise RecursionNotSupported(
        f"recursive call ({chain}) cannot be unrolled statically",
        module.location(call),
    )


def arrays_shared_in(stmts: list[ast.stmt]) -> dict[str, tuple[str, int]]:
    """name -> (another name, line) where the block binds that other name to the same
    array as ``name`` or to a view of it (``t = s``, ``t = s[:2]``, ``t = s.T``).

    Alias analysis from the syntax alone; normalize's refusals of ``x += y`` in a
    loop read it (they also need to know which names hold numbers, which only
    lowering knows)."""
    found: dict[str, tuple[str, int]] = {}
    for node in walk_statements(stmts):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = (
                zip(target.elts, node.value.elts, strict=False)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                else [(target, node.value)]
            )
            for t, value in pairs:
                if isinstance(t, ast.Name):
                    for shared in _arrays_of(value):
                        found.setdefault(shared, (t.id, node.lineno))
    return found


def _arrays_of(value: ast.expr) -> set[str]:
    """Names whose array ``value`` may be, or be a view of."""
    if isinstance(value, ast.Name):
        return {value.id}
    if isinstance(value, ast.IfExp):
        return _arrays_of(value.body) | _arrays_of(value.orelse)
    if isinstance(value, ast.Subscript | ast.Attribute):
        return _arrays_of(value.value)
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr in VIEW_METHODS:
            base = _arrays_of(func.value)
            return base | (_arrays_of(value.args[0]) if value.args else set())
    return set()


# Methods whose result numpy may return as a view of the array they are called on.
VIEW_METHODS = ("reshape", "transpose", "ravel", "squeeze", "view")


# --- writes into arrays: y[i] = v ---------------------------------------------
# Calls whose result is a new array that no other name refers to.
FRESH_ARRAYS = {
    f"numpy.{name}"
    for name in (
        "zeros",
        "ones",
        "zeros_like",
        "ones_like",
        "array",
        "stack",
        "concatenate",
        "arange",
    )
}


def _check_writes(module: Module, fn: ast.FunctionDef) -> None:
    """``y[i] = v`` becomes a new value of ``y`` (adgen never writes in place): the
    same as numpy's only where no other name refers to ``y``'s array. So ``y`` must
    be bound only to new arrays (``np.zeros(n)``, ``np.array(x)``, ``x + 0``), never
    be a parameter, and never be given another name or a view (read from the syntax:
    conservative)."""
    writes = [
        target
        for node in walk_statements(fn.body)
        if isinstance(node, (ast.Assign, ast.AugAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Subscript)
    ]
    if not writes:
        return
    params = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args]}
    shared = arrays_shared_in(fn.body)
    for target in writes:
        name = target.value.id  # type: ignore[attr-defined]
        reason = _aliased(module, fn, name, params, shared)
        if reason:
            _fail(
                module,
                target,
                MutationNotSupported,
                f"`{ast.unparse(target)} = ...` writes into `{name}`, {reason}: "
                "numpy would change that array too, adgen would not",
                f"write into a new array: `{name}_new = np.array({name})`, "
                f"then `{name}_new[...] = ...`",
            )


def _aliased(
    module: Module,
    fn: ast.FunctionDef,
    name: str,
    params: set[str],
    shared: dict[str, tuple[str, int]],
) -> str | None:
    """Why a write into ``name`` could reach an array another name sees, or None."""
    if name in params:
        return "a parameter (the caller's array)"
    if name in shared:
        other, line = shared[name]
        return f"which `{other}` (line {line}) refers to, or views"
    for node in walk_statements(fn.body):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            if not _is_fresh(module, node.value):
                return (
                    f"bound at line {node.lineno} to an array that may have other names"
                )
        elif _binds_without_assign(node, name):
            return f"bound at line {node.lineno} by unpacking or a loop"
        elif isinstance(node, (ast.Tuple, ast.List)) and any(
            isinstance(e, ast.Name) and e.id == name for e in node.elts
        ):
            if not _read_as_array(module, fn, node):
                return f"kept in a tuple or list at line {node.lineno}"
        elif isinstance(node, ast.For) and name in _iterated(node.iter):
            return f"whose rows the loop at line {node.lineno} reads as views"
        elif _passed_to_helper(module, node, name):
            return f"passed to the helper `{node.func.id}` at line {node.lineno}, which may return it"  # type: ignore[attr-defined]
    return None


def _is_fresh(module: Module, value: ast.expr) -> bool:
    if isinstance(value, (ast.BinOp, ast.UnaryOp)):
        return True
    if isinstance(value, ast.IfExp):
        return _is_fresh(module, value.body) and _is_fresh(module, value.orelse)
    return (
        isinstance(value, ast.Call)
        and module.qualified_name(value.func) in FRESH_ARRAYS
    )


def _binds_without_assign(node: ast.AST, name: str) -> bool:
    """``a, name = ...`` or ``for name in ...``: a binding that is not ``name = value``."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = [t for t in node.targets if not isinstance(t, ast.Name)]
    elif isinstance(node, ast.For):
        targets = [node.target]
    return any(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
        for t in targets
        for n in ast.walk(t)
    )


def _read_as_array(module: Module, fn: ast.FunctionDef, literal: ast.expr) -> bool:
    """Is this list literal the argument of a call that copies it into a new array?"""
    return any(
        isinstance(node, ast.Call)
        and literal in node.args
        and module.qualified_name(node.func) in FRESH_ARRAYS
        for node in walk_statements(fn.body)
    )


def _iterated(node: ast.AST) -> set[str]:
    """Names whose rows a loop over ``node`` may yield: not those read only for a
    count (``range(len(h))``, ``h.shape[0]``)."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("range", "len"):
        return set()
    if isinstance(node, ast.Attribute) and node.attr in ("shape", "size", "ndim"):
        return set()
    if isinstance(node, ast.Name):
        return {node.id}
    return set().union(*map(_iterated, ast.iter_child_nodes(node)))


def _passed_to_helper(module: Module, node: ast.AST, name: str) -> bool:
    """A call of a helper of the file with ``name`` as an argument, whose return
    may be one of its parameters or a view of one (``def same(a): return a``)."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in module.functions
    ):
        return False
    arguments = [*node.args, *(k.value for k in node.keywords)]
    if not any(isinstance(a, ast.Name) and a.id == name for a in arguments):
        return False
    helper = module.functions[node.func.id]
    params = {a.arg for a in helper.args.args}
    return any(
        isinstance(r, ast.Return)
        and r.value is not None
        and _returned_arrays(r.value) & params
        for r in walk_statements(helper.body)
    )


def _returned_arrays(value: ast.expr) -> set[str]:
    if isinstance(value, ast.Tuple):
        return set().union(*(_arrays_of(e) for e in value.elts))
    return _arrays_of(value)
