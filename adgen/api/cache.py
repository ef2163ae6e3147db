"""Compiling a function in memory, once: the caches of generated modules and of gradient models.

The code adgen generates is cached per (source text, functions, wrt, mode),
so an edited model is compiled anew and an unchanged one never twice.  In
front of that, ``compiled`` keeps what it found for a function on its code
object, with a stamp (freshness.py) that tells in microseconds whether the
file or the globals the function reads changed: then ``adgen.grad(f)(x)`` in
a loop reads and parses the file once, not once a call.  The key holds the
signature of the arguments the module is specialized for (adgen/like.py: a
Python float, an array's shape), one compiled module per signature, as
``grad`` and ``value_and_grad`` ask (reverse_mode.py).  A
gradient ``adgen.grad`` made is compiled from the gradient code adgen wrote
for it (``higher.py``), which is how ``grad(grad(f))`` works.  Below the
reverse and forward entry points; above reading.py.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from typing import Any

from ..errors import BadWrt, SourceFile
from ..higher import GradientModel, gradient_model, tangent_model
from ..limits import with_compiler_stack
from ..pipeline import format_module, in_memory, run
from ..program import fractional_powers
from .freshness import Stamp
from .reading import function_text, live_inputs, with_live_inputs

# the arguments a module is specialized for: (parameter, like value) pairs
Signature = tuple[tuple[str, Any], ...]
# (text, functions, wrt, mode, has_aux, live inputs, signature) -> namespace, code
_Key = tuple[
    str, tuple[str, ...], tuple[str, ...], str, bool, tuple[str, ...], Signature
]
_CACHE: dict[_Key, dict[str, Any]] = {}
_EMITTED: dict[_Key, str] = {}
# a namespace's entry: whether Python floats must be passed as numpy floats
NEEDS_NUMPY_FLOATS = "__adgen_needs_numpy_floats__"

_MODELS: dict[tuple[str, str, tuple[str, ...]], GradientModel] = {}
# (code object, wrt, mode, has_aux, signature) -> (stamp, namespace): see ``compiled``
_TEXTS: dict[Any, tuple[Stamp, tuple[str, str]]] = {}  # code object -> its source
_ON_CODE: dict[
    tuple[Any, tuple[str, ...], str, bool, Signature], tuple[Stamp, dict]
] = {}


def source_text(f: Callable) -> tuple[str, str]:
    """The text of the file that defines ``f``, as it is now on disk (or in a notebook cell);
    for a gradient ``adgen.grad`` made, the gradient code adgen wrote for it."""
    of = getattr(f, "__adgen_gradient_of__", None)
    if of is None:
        return function_text(f)
    model = gradient_model_of(*of)
    if len(model.functions) != 1:
        raise BadWrt(
            f"`{f.__name__}` returns a tuple (one gradient per parameter); only a "
            "gradient with respect to one parameter can be differentiated again",
            hint="use adgen.hessian(f, wrt=(...)) or adgen.hvp for several parameters",
        )
    return model.path, model.text


def generate(
    f: Callable, names: list[str], mode: str = "reverse", has_aux: bool = False
) -> tuple[str, str]:
    """The code adgen writes for ``f``, black-formatted, and the text it was written
    from: the module the API executes (cached, unformatted), formatted now."""
    path, text = source_text(f)
    inputs = live_inputs(f, path, text)
    compiled_text(path, text, [f.__name__], names, mode, has_aux, inputs)
    key = (text, (f.__name__,), tuple(names), mode, has_aux, inputs, ())
    return format_module(_EMITTED[key]), text


def compiled(
    f: Callable,
    names: list[str],
    mode: str = "reverse",
    has_aux: bool = False,
    signature: Signature = (),
) -> dict[str, Any]:
    """The namespace of the module adgen generates for ``f`` (cached on its code
    object while its stamp is fresh).  ``signature``: the arguments the module is
    specialized for, ``(parameter, like value)`` pairs (adgen/like.py; none: any
    arguments).  Module variables ``f`` reads are passed live
    (reading.live_inputs)."""
    code = getattr(f, "__code__", None)
    if code is None or hasattr(f, "__adgen_gradient_of__"):  # a gradient's closures
        # share one code object
        return _compiled_from_source(f, names, mode, has_aux, signature)
    key = (code, tuple(names), mode, has_aux, signature)
    found = _ON_CODE.get(key)
    if found is not None and found[0].fresh(f):
        return found[1]
    stamp = Stamp.of(f)  # before reading: an edit in between makes it stale
    namespace = _compiled_from_source(f, names, mode, has_aux, signature)
    _ON_CODE[key] = (stamp, namespace)
    return namespace


def _fresh_source(f: Callable) -> tuple[str, str]:
    """``source_text(f)``, read once while ``f``'s stamp is fresh (a module per
    signature of the arguments reads the file once, not once a signature)."""
    found = _TEXTS.get(f.__code__)
    if found is not None and found[0].fresh(f):
        return found[1]
    stamp = Stamp.of(f)
    source = _TEXTS[f.__code__] = (stamp, source_text(f))
    return source[1]


def _compiled_from_source(
    f: Callable, names: list[str], mode: str, has_aux: bool, signature: Signature
) -> dict[str, Any]:
    gradient = not hasattr(f, "__code__") or hasattr(f, "__adgen_gradient_of__")
    path, text = source_text(f) if gradient else _fresh_source(f)
    inputs = live_inputs(f, path, text)
    namespace = compiled_text(
        path, text, [f.__name__], names, mode, has_aux, inputs, signature
    )
    return with_live_inputs(f, namespace, inputs) if inputs else namespace


def compiled_text(
    path: str,
    text: str,
    functions: list[str],
    names: list[str],
    mode: str,
    has_aux: bool = False,
    inputs: tuple[str, ...] = (),
    signature: Signature = (),
) -> dict[str, Any]:
    """The namespace of the module adgen generates from model ``text`` (cached)."""
    key = (text, tuple(functions), tuple(names), mode, has_aux, inputs, signature)
    if key not in _CACHE:
        # unformatted: black would be most of the compile, for text nobody reads
        stages = in_memory(
            SourceFile(path, text),
            functions,
            names,
            mode,
            has_aux=has_aux,
            inputs=inputs,
            like=dict(signature),
            guarded=False,  # specialized.py picks the module by the arguments' kinds
        )
        code = stages.emitted
        filename = f"<adgen: {mode} mode of {', '.join(functions)}>"
        linecache.cache[filename] = (
            len(code),
            None,
            code.splitlines(True),
            filename,
        )  # readable tracebacks
        powers = fractional_powers(stages.optimized)  # type: ignore[arg-type]
        namespace: dict[str, Any] = {NEEDS_NUMPY_FLOATS: powers}
        exec(compile(code, filename, "exec"), namespace)
        _CACHE[key] = namespace
        _EMITTED[key] = code
    return _CACHE[key]


def gradient_model_of(f: Callable, names: list[str]) -> GradientModel:
    """``f``'s gradient code with respect to ``names``, as a model to differentiate again."""
    path, text = source_text(f)
    key = (text, f.__name__, tuple(names))
    if key not in _MODELS:

        def differentiate() -> GradientModel:  # walks the model's IR: deep stack
            stages = run(SourceFile(path, text), [f.__name__], names)
            return gradient_model(stages, f.__name__, names, path)

        _MODELS[key] = with_compiler_stack(differentiate)
    return _MODELS[key]


def tangent_model_of(f: Callable, names: list[str]) -> GradientModel:
    """``f``'s forward-mode code along ``names``, returning the tangent, as a model."""
    path, text = source_text(f)
    key = (text, f.__name__, tuple(names), "tangent")
    if key not in _MODELS:

        def differentiate() -> GradientModel:  # walks the model's IR: deep stack
            stages = run(SourceFile(path, text), [f.__name__], names, mode="forward")
            return tangent_model(stages, f.__name__, names, path)

        _MODELS[key] = with_compiler_stack(differentiate)
    return _MODELS[key]


def clear_cache() -> None:
    """Forget compiled functions (tests that patch a primitive record call this)."""
    _CACHE.clear()
    _EMITTED.clear()
    _ON_CODE.clear()
    _TEXTS.clear()
    _MODELS.clear()
