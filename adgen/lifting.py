"""Nested functions and named lambdas, lifted to helpers of the file (part of parse).

``def _fn(a, n): return a * n`` inside a model, or ``act = lambda z:
np.maximum(z, 0)``, becomes a helper like the file's top-level ones, which
normalize inlines at each call.  The variables of the enclosing function it
reads (its closure) become extra parameters, passed at each call::

    def f(x, W):                      def f(x, W):
        def layer(h):                     return f.layer(W, f.layer(W, x))
            return np.tanh(W @ h)     def f.layer(W, h):   # key "f.layer", named "layer"
        return layer(layer(x))            return np.tanh(W @ h)

A call passes the value the variable has at the call, which is what Python's
closure reads (late binding), since the local function can only be called,
never stored or passed on, and so never outlives the statement that calls it.

What is not lifted is recorded in ``Module.lift_refusals`` (the check stage
raises it for a function being compiled; other functions of the file are not
affected): a ``def`` inside an ``if``/loop or inside another local function,
a local function used other than by calling it, called before its ``def``,
bound twice, or whose default values read the enclosing function's variables.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .astcopy import clone
from .errors import AdgenError, UnsupportedSyntax
from .parsed import Module

Local = ast.FunctionDef  # a local function: a nested def, or a lambda made into one


def lift_local_functions(module: Module) -> None:
    """Lift the local functions of every top-level function of ``module``."""
    for name, fn in list(module.functions.items()):
        if not any(_is_local_definition(s) for s in ast.walk(fn) if s is not fn):
            continue
        try:
            lifted, helpers = _lift(module, fn)
        except AdgenError as refusal:
            module.lift_refusals[name] = refusal
            continue
        module.functions[name] = lifted
        for key, helper in helpers.items():
            module.functions[key] = helper
            module.local_helpers.add(key)


def _is_local_definition(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or (
        isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda)
    )


def _refuse(module: Module, node: ast.AST, message: str, hint: str) -> None:
    raise UnsupportedSyntax(message, module.location(node), hint)


def _lift(
    module: Module, fn: ast.FunctionDef
) -> tuple[ast.FunctionDef, dict[str, ast.FunctionDef]]:
    """``fn`` without its local functions, calling them as helpers; the helpers by key."""
    locals_ = _local_functions(module, fn)
    keys = {name: f"{fn.name}.{name}" for name in locals_}
    enclosing = _bound_names(fn)
    captured = _captured(module, fn, locals_, enclosing)
    for name, local in locals_.items():
        _check_uses(module, fn, name, local)
    _check_comprehensions(module, fn, captured)
    body = [s for s in fn.body if not _defines_local(s, locals_)]
    lifted = clone(fn)
    lifted.body = [_with_calls_lifted(clone(s), keys, captured) for s in body]
    helpers = {}
    for name, local in locals_.items():
        helper = clone(local)
        extra = [ast.arg(arg=c) for c in captured[name]]
        for a in extra:
            ast.copy_location(a, local)
        helper.args.args = extra + helper.args.args
        helper.body = [_with_calls_lifted(s, keys, captured) for s in helper.body]
        helpers[keys[name]] = helper
    return lifted, helpers


def _local_functions(module: Module, fn: ast.FunctionDef) -> dict[str, Local]:
    """The local functions defined at the top level of ``fn``'s body, by name;
    a refusal for a definition anywhere else."""
    found: dict[str, Local] = {}
    for stmt in fn.body:
        local = _as_function(stmt)
        if local is None:
            continue
        if local.name in found:
            _refuse(
                module,
                stmt,
                f"the local function `{local.name}` is defined twice",
                "give each local function its own name",
            )
        found[local.name] = local
    top = {id(s) for s in fn.body}
    for node in _walk_body(fn.body):
        if _is_local_definition(node) and id(node) not in top:
            where = _nested_where(fn, node)
            _refuse(
                module,
                node,
                f"a local function defined {where} is not supported",
                "define it at the top level of the function body (or of the file), "
                "and pass what it reads as parameters",
            )
    return found


def _nested_where(fn: ast.FunctionDef, node: ast.AST) -> str:
    inside_local = any(
        node is not local and any(n is node for n in ast.walk(local))
        for s in fn.body
        if (local := _as_function(s)) is not None
    )
    return "inside another local function" if inside_local else "inside an if or a loop"


def _as_function(stmt: ast.stmt) -> Local | None:
    """A top-level statement of the body as the local function it defines, if any."""
    if isinstance(stmt, ast.FunctionDef):
        return stmt
    if (
        isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Lambda)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        lam = stmt.value
        body = ast.copy_location(ast.Return(lam.body), lam.body)
        made = ast.FunctionDef(stmt.targets[0].id, lam.args, [body], [], None, None)
        made.type_params = []
        return ast.copy_location(made, lam)
    return None


def _defines_local(stmt: ast.stmt, locals_: dict[str, Local]) -> bool:
    local = _as_function(stmt)
    return local is not None and locals_.get(local.name) is not None


def _walk_body(stmts: list[ast.stmt]) -> Iterator[ast.AST]:
    for stmt in stmts:
        yield from ast.walk(stmt)


def _bound_names(fn: ast.FunctionDef) -> set[str]:
    """The names local to ``fn`` in Python's sense: its parameters and every name it
    binds (not in its local functions or comprehensions, which have scopes of their own).
    """
    names = {a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]}
    todo: list[ast.AST] = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Lambda, ast.comprehension)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        todo.extend(ast.iter_child_nodes(node))
    return names


def _read_names(local: Local) -> set[str]:
    """The names ``local`` reads, but its comprehensions' variables."""
    nodes = [n for stmt in local.body for n in ast.walk(stmt)]
    own = {
        n.id
        for c in nodes
        if isinstance(c, ast.comprehension)
        for n in ast.walk(c.target)
        if isinstance(n, ast.Name)
    }
    return {
        n.id
        for n in nodes
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in own
    } - own


def _captured(
    module: Module,
    fn: ast.FunctionDef,
    locals_: dict[str, Local],
    enclosing: set[str],
) -> dict[str, list[str]]:
    """For each local function, the variables of ``fn`` it reads, directly or through
    the local functions it calls, in a fixed (sorted) order."""
    own = {name: _bound_names(local) for name, local in locals_.items()}
    direct = {
        name: (_read_names(local) - own[name]) & (enclosing - locals_.keys())
        for name, local in locals_.items()
    }
    calls = {
        name: (_read_names(local) - own[name]) & locals_.keys()
        for name, local in locals_.items()
    }
    for local in locals_.values():
        _check_defaults(module, local, enclosing)
    captured = {name: set(found) for name, found in direct.items()}
    changed = True
    while changed:  # what a callee reads, its caller passes on
        changed = False
        for name in locals_:
            for callee in calls[name]:
                shadowed = captured[callee] & own[name]
                if shadowed:
                    _refuse(
                        module,
                        locals_[name],
                        f"`{name}` calls `{callee}`, which reads `{min(shadowed)}` of "
                        f"`{fn.name}`, but `{name}` has a variable of that name",
                        "rename the variable, or pass the value as a parameter",
                    )
                if not captured[callee] <= captured[name]:
                    captured[name] |= captured[callee]
                    changed = True
    return {name: sorted(found) for name, found in captured.items()}


def _check_defaults(module: Module, local: Local, enclosing: set[str]) -> None:
    """A default value is computed at the ``def``: one reading ``fn``'s variables
    would need their value there, which a parameter passed at each call is not."""
    for default in [*local.args.defaults, *local.args.kw_defaults]:
        if default is not None and _names(default) & enclosing:
            _refuse(
                module,
                default,
                "a default value of a local function reads a variable of the enclosing function",
                "pass the value at each call instead",
            )


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _check_uses(
    module: Module,
    fn: ast.FunctionDef,
    name: str,
    local: Local,
) -> None:
    """``name`` may only be called, after its definition, and is bound only there."""
    callees = {
        id(n.func)
        for n in ast.walk(fn)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    defined_at = local.lineno
    for stmt in fn.body:
        if _as_function(stmt) is not None and _as_function(stmt).name == name:
            continue
        for node in ast.walk(stmt):
            if not (isinstance(node, ast.Name) and node.id == name):
                continue
            if isinstance(node.ctx, ast.Store):
                _refuse(
                    module,
                    node,
                    f"`{name}` names a local function and is bound again here",
                    "give the local function and this variable different names",
                )
            if id(node) not in callees:
                _refuse(
                    module,
                    node,
                    f"the local function `{name}` is used as a value: adgen can only call it",
                    f"call it where it is needed: `{name}(...)`",
                )
            if node.lineno < defined_at:  # also from a local function defined earlier
                _refuse(
                    module,
                    node,
                    f"`{name}` is called before its definition (line {defined_at})",
                    "define the local function before calling it",
                )
    if name in {a.arg for a in [*fn.args.posonlyargs, *fn.args.args]}:
        _refuse(
            module,
            local,
            f"the local function `{name}` has the name of a parameter",
            "rename one of them",
        )


def _check_comprehensions(
    module: Module, fn: ast.FunctionDef, captured: dict[str, list[str]]
) -> None:
    """A call inside a comprehension whose variable has the name of a variable the
    local function reads: the comprehension's would be passed, not ``fn``'s."""
    for node in ast.walk(fn):
        if not isinstance(
            node, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)
        ):
            continue
        bound = {n for g in node.generators for n in _names(g.target)}
        for call in ast.walk(node):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
                clash = bound & set(captured.get(call.func.id, ()))
                if clash:
                    _refuse(
                        module,
                        call,
                        f"`{call.func.id}` reads `{min(clash)}` of `{fn.name}`, but here "
                        "a comprehension's variable has that name",
                        "rename the comprehension's variable",
                    )


def _with_calls_lifted(
    stmt: ast.stmt, keys: dict[str, str], captured: dict[str, list[str]]
) -> ast.stmt:
    """``stmt`` with each call of a local function calling its helper, the captured
    variables passed first."""
    for node in ast.walk(stmt):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in keys
        ):
            passed = [
                ast.copy_location(ast.Name(c, ast.Load()), node)
                for c in captured[node.func.id]
            ]
            node.func = ast.copy_location(
                ast.Name(keys[node.func.id], ast.Load()), node.func
            )
            node.args = passed + node.args
    return stmt
