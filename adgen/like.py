"""Specialization on the arguments a caller passes: ``like`` acts as declarations would.

``like`` maps parameter names to what the caller passes, and each entry acts
exactly as the equivalent declaration in the model would, so the emitted code
is what the annotated model gets (the float path for floats, ``X.T @ g`` and
``g.sum(axis=0)`` for arrays of known shape):

=====================================  ==========================================
``like`` value                         acts as
=====================================  ==========================================
``float``, or a Python float (``2.0``)  ``x: float`` (a Python number)
``int``, or a Python int (``3``)        ``x: int``
a tuple of dims ``(441, 2)``,           ``@adgen.shapes(x="441 2")``; names are
``("n", 2)``; ``()``                    symbolic sizes; ``()`` a numpy scalar
a shape string ``"(n, 2)"``             ``@adgen.shapes(x="(n, 2)")``
an array or numpy scalar (``.shape``)   its shape, as a tuple (dtype is not used:
                                        the code is the same for every dtype)
=====================================  ==========================================

It overrides the parameter's own annotation and ``@adgen.shapes`` entry.  On the
command line (``adgen compile --like``) the same is written
``x1=2.0,x2=float,X=f64[441,2],s=f64[]`` (``parse_like``).

The guard: a declaration is a promise adgen does not check, but a ``like``
is a guess about future calls, so the code compiled for it checks its
arguments on entry (``forward_f``, ``grad_f``, ``value_and_grad_f``,
``jvp_f``: ``runtime.like_checked``) and raises a ValueError naming the
parameter, what the code was compiled for and what it got, rather than give
wrong numbers.  A float path (all parameters floats) needs no check of its
own: an array makes ``math`` raise, and its fallback goes through
``forward_f``, which checks (what ``math`` accepts, a numpy scalar or a
one-element array, gets the right numbers there, as Python floats).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import program as P
from .errors import Location, UsageError
from .ir import Function
from .optimize.arguments import ENTRY as CONVERSION
from .parse import Module, adgen_decorators
from .structures import leaves

Like = Mapping[str, Any]  # parameter name -> float, int, a shape tuple, an array

# what each emitted function's entry check guards: the functions a caller calls
ENTRY_ROLES = (P.FORWARD, P.GRAD, P.VALUE_AND_GRAD, P.JVP)
CHECK = "like_checked"
_DIMS = re.compile(r"^(?:[a-z]+\d*)?\[([^\]]*)\]$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Container:
    """A container argument (pytree): a dict with string keys, a list or a tuple
    of ``like`` values, nested; hashable, so that it can key a compiled module."""

    kind: str  # "dict", "list" or "tuple"
    items: tuple
    keys: tuple[str, ...] = ()

    def leaves(self) -> list[Any]:
        return [
            leaf
            for item in self.items
            for leaf in (item.leaves() if isinstance(item, Container) else [item])
        ]


def declaration(value: Any) -> ast.expr:
    """The annotation a ``like`` value stands for: ``float``, ``int``, a shape
    string, or for a container the literal of its leaves' (``{"W": "2 3"}``)."""
    if isinstance(value, Container):
        items = [declaration(v) for v in value.items]
        if value.kind == "dict":
            return ast.Dict([ast.Constant(k) for k in value.keys], items)
        kind = ast.List if value.kind == "list" else ast.Tuple
        return kind(items, ast.Load())
    if value is float or value is int or type(value) in (float, int):
        return ast.Name("float" if value is float or type(value) is float else "int")
    if isinstance(value, str):
        return ast.Constant(value)
    shape = value if isinstance(value, tuple) else getattr(value, "shape", None)
    if isinstance(shape, tuple) and all(_is_dim(d) for d in shape):
        return ast.Constant(" ".join(str(d) for d in shape) or "()")
    raise UsageError(
        f"like: cannot specialize on {value!r}",
        Location("<like>"),
        hint="give float, int, a shape tuple such as (441, 2), or an array",
    )


def like_of(value: Any) -> Any:
    """What the runtime API passes in ``like`` for an argument ``value``: ``float``
    or ``int`` for a Python number, the shape tuple for a numpy array or scalar,
    a ``Container`` of those for a dict, list or tuple holding arrays (a list
    of numbers only is an array), None for anything else (no specialization)."""
    kind = type(value)
    if kind is float or kind is int:
        return kind
    if kind is np.ndarray:  # the common case first: the API asks at every call
        return value.shape
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and hasattr(value, "dtype"):
        return tuple(shape)
    if type(value) in (dict, list, tuple) and value:
        return _container_of(value)
    return None


def is_container(value: Any) -> bool:
    """Whether an argument is a container of arrays (pytree), not an array."""
    return isinstance(like_of(value), Container)


def tree_leaves(value: Any) -> list[Any]:
    """A container argument's arrays and numbers, in order; ``[value]`` otherwise."""
    if not is_container(value):
        return [value]
    items = value.values() if isinstance(value, dict) else value
    return [leaf for item in items for leaf in tree_leaves(item)]


def tree_rebuilt(like: Any, leaves: list[Any]) -> Any:
    """``like``'s structure with its leaves taken in order from ``leaves`` (consumed)."""
    if not is_container(like):
        return leaves.pop(0)
    if isinstance(like, dict):
        return {k: tree_rebuilt(v, leaves) for k, v in like.items()}
    return type(like)(tree_rebuilt(v, leaves) for v in like)


def _container_of(value: dict | list | tuple) -> Container | None:
    """A dict (string keys), list or tuple of arrays and numbers, nested, as a
    ``Container``; None where a leaf is anything else (no specialization), and
    for a list or tuple of numbers only, which stays an array."""
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return None
        keys, values = tuple(value), list(value.values())
    else:
        keys, values = (), list(value)
    items = tuple(_leaf_kind(v) for v in values)
    if any(item is None for item in items):
        return None
    if not keys and all(item in (float, int) for item in items):
        return None  # a list of numbers is the array numpy makes of it, as always
    return Container(type(value).__name__, items, keys)


def _leaf_kind(value: Any) -> Any:
    """An item's kind inside a container: ``like_of``'s, where a list of numbers
    (``"b": [0.1, 0.0]``) is the array numpy makes of it, by its shape."""
    kind = like_of(value)
    if kind is None and type(value) in (list, tuple):
        array = np.asarray(value) if value else None
        if array is not None and array.dtype.kind in "fiu":
            return array.shape
    return kind


def flat_like(like: Like, functions: list[Function]) -> dict[str, Any]:
    """``like`` with each container entry replaced by its leaves' entries, under
    the names of the leaf parameters (``params_W``): what the guard checks."""
    flat = dict(like)
    for fn in functions:
        for name, structure in fn.containers.items():
            value = flat.pop(name, None)
            if isinstance(value, Container):
                flat.update(zip(leaves(structure), value.leaves(), strict=True))
    return flat


def apply_like(
    module: Module, functions: list[ast.FunctionDef], like: Mapping[str, Any]
) -> None:
    """Give each selected function's parameters named in ``like`` the declaration
    it stands for: the annotation is replaced and the ``@adgen.shapes`` entry
    dropped (``module`` is this compile's own parse)."""
    found = set()
    for fn in functions:
        params = {a.arg: a for a in [*fn.args.posonlyargs, *fn.args.args]}
        deco = adgen_decorators(module, fn).get("adgen.shapes")
        for name, value in like.items():
            if name not in params:
                continue
            found.add(name)
            params[name].annotation = declaration(value)
            if deco is not None:
                deco.keywords = [k for k in deco.keywords if k.arg != name]
    unknown = [n for n in like if n not in found]
    if unknown:
        names = ", ".join(a.arg for f in functions for a in f.args.args)
        raise UsageError(
            f"like: no parameter named {unknown[0]!r} (parameters: {names or 'none'})",
            module.location(functions[0]) if functions else Location("<like>"),
            hint="name the parameters of the compiled function",
        )


def parse_like(text: str) -> dict[str, Any]:
    """``"x1=2.0,x2=float,X=f64[441,2],n=int,s=f64[]"`` -> the ``like`` mapping."""
    like: dict[str, Any] = {}
    for item in _items(text):
        name, _, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not _NAME.match(name) or not value:
            _bad(item)
        like[name] = _value(value, item)
    return like


def like_text(like: Mapping[str, Any]) -> str:
    """The ``--like`` spelling of a ``like`` mapping (for headers and messages)."""
    return ",".join(f"{n}={_spelled(v)}" for n, v in like.items())


def guard(program: P.Program, like: Mapping[str, Any], models: set[str]) -> P.Program:
    """Each entry function of the ``models`` compiled with ``like`` checks its
    arguments first, its arrays and its numbers in one call each:
    ``X, W1 = like_checked((X, W1), ((441, 2), (2, 3)), ...)``.  The check makes
    a list of the declared shape an array, so ``sequences_as_arrays`` no longer
    converts those parameters."""
    defs = []
    for d in program.definitions:
        if (
            isinstance(d, P.Function)
            and d.model in models
            and d.role in ENTRY_ROLES
            and not any(isinstance(s, P.FloatPath) for s in d.body)
        ):
            d = _checked(d, like)
        defs.append(d)
    return replace(program, definitions=tuple(defs))


def arrays_as_passed(program: P.Program, like: Mapping[str, Any]) -> P.Program:
    """``program`` for the runtime API's arguments of ``like``'s kinds, unchecked:
    a parameter ``like`` gives a shape is passed an array (a list has no shape,
    and gets the generic module), so its entry conversion goes."""
    shaped = {n for n, v in like.items() if isinstance(v, tuple)}
    return program.with_functions(lambda fn: _unconverted(fn, shaped))


def _checked(fn: P.Function, like: Mapping[str, Any]) -> P.Function:
    kinds = {p.name: _kind(like[p.name]) for p in fn.params if p.name in like}
    if not kinds:
        return fn
    arrays = [n for n, k in kinds.items() if isinstance(k, tuple)]
    numbers = [n for n, k in kinds.items() if not isinstance(k, tuple)]
    checks = tuple(
        _check(fn, like, group, kinds) for group in (arrays, numbers) if group
    )
    unchecked = _unconverted(fn, set(arrays))
    return replace(unchecked, body=(*checks, *unchecked.body))


def _check(
    fn: P.Function, like: Mapping[str, Any], names: list[str], kinds: dict
) -> P.Unpack:
    """``a, b = like_checked((a, b), kinds, "a b", compiled_for)``: the kinds one
    a parameter, or one string for Python numbers all declared alike."""
    spelled = {kinds[n] for n in names}
    if len(spelled) == 1 and isinstance(next(iter(spelled)), str):
        kind: ast.expr = ast.Constant(next(iter(spelled)))
    else:
        kind = _tuple([ast.Constant(kinds[n]) for n in names])
    call = ast.Call(
        ast.Name(CHECK, ast.Load()),
        [
            _tuple([ast.Name(n, ast.Load()) for n in names]),
            kind,
            ast.Constant(" ".join(names)),
            ast.Constant(f"{fn.name} was compiled for {like_text(like)}"),
        ],
        [],
    )
    return P.Unpack(tuple(names), call)


def _unconverted(fn: P.Function, names: set[str]) -> P.Function:
    """``fn`` without ``names`` in its entry ``sequences_as_arrays`` (its first
    statement, where it has one: optimize/arguments.py)."""
    first = fn.body[0] if fn.body else None
    if not (
        isinstance(first, P.Unpack)
        and isinstance(first.value, ast.Call)
        and isinstance(first.value.func, ast.Name)
        and first.value.func.id == CONVERSION
    ):
        return fn
    kept = tuple(n for n in first.targets if n not in names)
    if len(kept) == len(first.targets):
        return fn
    rest = fn.body[1:]
    if not kept:
        return replace(fn, body=rest)
    call = ast.Call(first.value.func, [ast.Name(n, ast.Load()) for n in kept], [])
    return replace(fn, body=(P.Unpack(kept, call), *rest))


def _kind(value: Any) -> str | tuple:
    """The check's spelling of a ``like`` value: ``"float"``, ``"int"``, or the
    shape, a tuple of sizes and size names (``(441, 2)``, ``("n", 2)``)."""
    annotation = declaration(value)
    if isinstance(annotation, ast.Name):
        return annotation.id
    dims = annotation.value.strip().strip("()[]").replace(",", " ").split()
    return tuple(int(d) if d.isdigit() else d for d in dims)


def _tuple(elements: list[ast.expr]) -> ast.Tuple:
    return ast.Tuple(elements, ast.Load())


def _is_dim(d: Any) -> bool:
    return (isinstance(d, int) and not isinstance(d, bool) and d >= 0) or (
        isinstance(d, str) and bool(_NAME.match(d))
    )


def _items(text: str) -> list[str]:
    """``text`` split at the commas outside brackets."""
    items, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += (c in "[({") - (c in "])}")
        if c == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [i for i in (s.strip() for s in items) if i]


def _value(value: str, item: str) -> Any:
    if value[:1] in "{[(" and not _DIMS.match(value):  # a container: {W:f64[2,3]}
        return _container(value, item)
    if value in ("float", "int"):
        return float if value == "float" else int
    dims = _DIMS.match(value)
    if dims:
        parts = [d.strip() for d in dims.group(1).split(",") if d.strip()]
        shape = tuple(int(d) if d.isdigit() else d for d in parts)
        if not all(_is_dim(d) for d in shape):
            _bad(item)
        return shape
    try:
        number = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        number = None
    if type(number) in (float, int):
        return number
    _bad(item)


def _container(value: str, item: str) -> Container:
    """``{W:f64[2,3],b:f64[3]}``, ``[(f64[2,3],f64[3]),(f64[3],f64[])]`` -> a Container."""
    kind = {"{": "dict", "[": "list", "(": "tuple"}[value[0]]
    if value[-1] != {"dict": "}", "list": "]", "tuple": ")"}[kind]:
        _bad(item)
    entries = _items(value[1:-1])
    if kind != "dict":
        return Container(kind, tuple(_value(e, item) for e in entries))
    pairs = [e.partition(":") for e in entries]
    if not all(_NAME.match(k.strip()) and v.strip() for k, _, v in pairs):
        _bad(item)
    keys = tuple(k.strip() for k, _, _ in pairs)
    return Container(kind, tuple(_value(v.strip(), item) for _, _, v in pairs), keys)


def _spelled(value: Any) -> str:
    if isinstance(value, Container):
        inner = [_spelled(v) for v in value.items]
        if value.kind == "dict":
            inner = [f"{k}:{v}" for k, v in zip(value.keys, inner, strict=True)]
        ends = {"dict": "{}", "list": "[]", "tuple": "()"}[value.kind]
        return ends[0] + ",".join(inner) + ends[1]
    annotation = declaration(value)
    if isinstance(annotation, ast.Name):
        return annotation.id
    dims = annotation.value.strip().strip("()[]").replace(",", " ").split()
    return f"[{','.join(dims)}]"


def _bad(item: str) -> None:
    raise UsageError(
        f"--like: cannot read {item!r}",
        Location("<--like>"),
        hint="write NAME=VALUE pairs: x1=2.0 or x1=float, n=int, X=f64[441,2], s=f64[], "
        "a dict params={W:f64[2,3],b:f64[3]}, a list layers=[(f64[2,3],f64[3])]",
    )
