"""Compiling a function in memory, once: the caches of generated modules and of gradient models.

The code adgen generates is cached per (source text, functions, wrt, mode),
so an edited model is compiled anew and an unchanged one never twice.  A
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
from ..pipeline import compile_source, run
from .reading import function_text, live_inputs, with_live_inputs

_CACHE: dict[
    tuple[str, tuple[str, ...], tuple[str, ...], str, bool], dict[str, Any]
] = {}
_MODELS: dict[tuple[str, str, tuple[str, ...]], GradientModel] = {}


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
    """The code adgen writes for ``f`` (not cached), and the text it was written from."""
    path, text = source_text(f)
    source, inputs = SourceFile(path, text), live_inputs(f, path, text)
    code = compile_source(source, [f.__name__], names, mode, has_aux, inputs)
    return code, text


def compiled(
    f: Callable, names: list[str], mode: str = "reverse", has_aux: bool = False
) -> dict[str, Any]:
    """The namespace of the module adgen generates for ``f`` (cached); module
    variables ``f`` reads are passed live (reading.live_inputs)."""
    path, text = source_text(f)
    inputs = live_inputs(f, path, text)
    namespace = compiled_text(path, text, [f.__name__], names, mode, has_aux, inputs)
    return with_live_inputs(f, namespace, inputs) if inputs else namespace


def compiled_text(
    path: str,
    text: str,
    functions: list[str],
    names: list[str],
    mode: str,
    has_aux: bool = False,
    inputs: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The namespace of the module adgen generates from model ``text`` (cached)."""
    key = (text, tuple(functions), tuple(names), mode, has_aux, inputs)
    if key not in _CACHE:
        source = SourceFile(path, text)
        code = compile_source(source, functions, names, mode, has_aux, inputs)
        filename = f"<adgen: {mode} mode of {', '.join(functions)}>"
        linecache.cache[filename] = (
            len(code),
            None,
            code.splitlines(True),
            filename,
        )  # readable tracebacks
        namespace: dict[str, Any] = {}
        exec(compile(code, filename, "exec"), namespace)
        _CACHE[key] = namespace
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
    _MODELS.clear()
