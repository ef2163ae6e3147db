"""The function's signature: its parameters, their declared shapes and number
types, and which of them to differentiate with respect to (``wrt``)."""

from __future__ import annotations

import ast

from ..bindings import default_value
from ..errors import BadWrt, UnsupportedSyntax
from ..ir import Const
from ..parse import Module, adgen_decorators


def parameter_names(fn: ast.FunctionDef) -> list[str]:
    """The parameters as the user wrote them, in order."""
    return [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]


def parameter_defaults(module: Module, fn: ast.FunctionDef) -> dict[str, Const]:
    """``def f(x, scale=2.0)``: parameter -> its default, as the constant it is."""
    names = parameter_names(fn)
    defaults = fn.args.defaults
    found = {}
    for name, node in zip(names[len(names) - len(defaults) :], defaults, strict=True):
        value = default_value(module, node)
        assert value is not None  # check.py refused any other default
        found[name] = value
    return found


def declared_shapes(module: Module, fn: ast.FunctionDef) -> dict[str, ast.expr]:
    """``@adgen.shapes(X="n 784", w="784")``: parameter -> its shape string
    (check.py has refused any other form)."""
    deco = adgen_decorators(module, fn).get("adgen.shapes")
    if deco is None:
        return {}
    return {k.arg: k.value for k in deco.keywords}  # type: ignore[misc]


def declared_has_aux(module: Module, fn: ast.FunctionDef) -> bool:
    """Whether ``fn`` is marked ``@adgen.has_aux``: it returns ``(loss, aux)``."""
    return "adgen.has_aux" in adgen_decorators(module, fn)


def resolve_wrt(
    module: Module, fn: ast.FunctionDef, wrt: list[str] | None, params: list[list[str]]
) -> list[str]:
    """``wrt`` names (from the caller, else ``@adgen.wrt``, else all) -> emitted param
    names; ``params`` holds the emitted names of each parameter (a container's leaves).
    """
    originals = parameter_names(fn)
    where: ast.AST | None = fn
    how = f"--wrt (to give it for one function, select it: PATH:{fn.name})"
    if wrt is None:
        wrt = declared_wrt(module, fn)
        where, how = adgen_decorators(module, fn).get("adgen.wrt"), "@wrt(...)"
    if wrt is None:
        return [leaf for leaves in params for leaf in leaves]
    for name in wrt:
        if name not in originals:
            raise BadWrt(
                f"`{fn.name}` has no parameter named {name!r} (parameters: {', '.join(originals)})",
                module.location(where),
                hint=f"name parameters of `{fn.name}` in {how}",
            )
    if len(set(wrt)) != len(wrt):
        raise BadWrt(
            f"a parameter is named twice in wrt ({', '.join(wrt)})",
            module.location(where),
        )
    # in the order asked, as autograd and JAX do
    return [leaf for n in wrt for leaf in params[originals.index(n)]]


def declared_wrt(module: Module, fn: ast.FunctionDef) -> list[str] | None:
    """The names in ``@adgen.wrt("w1", "b1")``, if the function has it.

    Refused here, not in check.py: a ``wrt`` the caller gives (``--wrt``,
    ``adgen.grad(f, wrt=...)``) overrides the decorator, which is then never
    read, so a malformed one is an error only when it is used."""
    deco = adgen_decorators(module, fn).get("adgen.wrt")
    if deco is None:
        return None
    names = [
        a.value
        for a in deco.args
        if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]
    if len(names) != len(deco.args) or deco.keywords:
        raise UnsupportedSyntax(
            "@adgen.wrt takes parameter names as string literals",
            module.location(deco),
            'write @wrt("w1", "b1")',
        )
    return names


def keys_read(fn: ast.FunctionDef, name: str) -> ast.Dict | None:
    """The container declaration the reads of an undeclared parameter imply, when
    each is ``name["W"]`` with a string constant key (``p["i"]["j"]`` nested): a
    dict of the keys read, in order, shapes unknown.  None if ``name`` is used in
    any other way (passed on, indexed by a number, reassigned)."""
    parents = {
        child: parent
        for parent in ast.walk(fn)
        for child in ast.iter_child_nodes(parent)
    }
    uses = sorted(  # in the order they are written: the keys' order
        (n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == name),
        key=lambda n: (n.lineno, n.col_offset),
    )
    tree: dict = {}
    for use in uses:
        if not isinstance(use.ctx, ast.Load) or not _record_read(use, parents, tree):
            return None
    return _as_declaration(tree) if tree else None


def _record_read(node: ast.expr, parents: dict, tree: dict) -> bool:
    """Record in ``tree`` the key path that reads ``node``; False if it is not one."""
    key = _string_key(node, parents)
    if key is None:
        return False
    subscript = parents[node]
    if _string_key(subscript, parents) is not None:  # p["i"]["j"]: p["i"] a dict
        inner = tree.setdefault(key, {})
        return isinstance(inner, dict) and _record_read(subscript, parents, inner)
    if isinstance(tree.get(key), dict):  # p["i"] read whole and as a dict
        return False
    tree[key] = None
    return True


def _string_key(node: ast.expr, parents: dict) -> str | None:
    """ "W" where ``node`` is read as ``node["W"]``."""
    parent = parents.get(node)
    if (
        isinstance(parent, ast.Subscript)
        and parent.value is node
        and isinstance(parent.ctx, ast.Load)
        and isinstance(parent.slice, ast.Constant)
        and isinstance(parent.slice.value, str)
    ):
        return parent.slice.value
    return None


def _as_declaration(tree: dict) -> ast.Dict:
    values = [
        _as_declaration(v) if isinstance(v, dict) else ast.Constant(None)
        for v in tree.values()
    ]
    return ast.Dict([ast.Constant(k) for k in tree], values)
