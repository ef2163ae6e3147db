"""The runtime API: compile a function from its source, in memory, and call the result.

``wrt`` follows autograd and JAX: an int or a parameter name gives one
gradient; a tuple gives a tuple of gradients, in the order asked.  Compiled
code is cached per (source text, function, wrt).
"""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import reprlib
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .bindings import module_variable_hint
from .errors import (
    BadWrt,
    NonScalarOutput,
    SourceFile,
    SourceUnavailable,
    UnresolvedName,
)
from .higher import GradientModel, gradient_model, tangent_model
from .limits import with_compiler_stack
from .parse import Module, parse_module
from .pipeline import compile_source, run
from .runtime import numpy_floats

Wrt = int | str | Sequence[int | str]

_CACHE: dict[tuple[str, tuple[str, ...], tuple[str, ...], str], dict[str, Any]] = {}
_MODELS: dict[tuple[str, str, tuple[str, ...]], GradientModel] = {}


def wrt(*names: str) -> Callable[[Callable], Callable]:
    """Declare which parameters to differentiate: ``@adgen.wrt("w1", "b1")``.

    The compiler reads this decorator statically; at run time it only records
    the names, which ``adgen.grad`` uses when no ``wrt`` is given.
    """

    def mark(f: Callable) -> Callable:
        f.__adgen_wrt__ = names  # type: ignore[attr-defined]
        return f

    return mark


def shapes(**dims: str) -> Callable[[Callable], Callable]:
    """Declare parameter shapes for the compiler: ``@adgen.shapes(X="batch 784", b="256")``.

    Dimensions are numbers or names; equal names mean equal sizes.  With shapes
    known, adgen writes ``np.sum(g, axis=0)`` and ``X.T @ g`` instead of run-time
    helpers.  A promise, not checked: at run time this decorator does nothing.
    """

    def mark(f: Callable) -> Callable:
        f.__adgen_shapes__ = dims  # type: ignore[attr-defined]
        return f

    return mark


def grad(
    f: Callable, wrt: Wrt | None = None, mode: str = "reverse"
) -> Callable[..., Any]:
    """``grad(f)(*args)``: the gradient of scalar-valued ``f`` (default: first parameter).

    ``mode="forward"`` computes it with one forward-mode sweep per entry of the
    parameters instead of one reverse sweep (same values; slower for many entries).
    The result can be differentiated again: ``grad(grad(f))``, ``jvp(grad(f))``.
    """
    if mode == "forward":
        from .derivatives import forward_grad

        gradient = forward_grad(f, wrt)
    elif mode == "reverse":
        value_and_grad_f = value_and_grad(f, wrt)

        def gradient(*args: Any) -> Any:
            return value_and_grad_f(*args)[1]

    else:
        raise ValueError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    gradient.__name__ = f"grad_{f.__name__}"
    gradient.__signature__ = inspect.signature(f)  # type: ignore[attr-defined]
    gradient.__adgen_gradient_of__ = (f, _wrt_names(f, wrt)[0])  # type: ignore[attr-defined]
    return gradient


def value_and_grad(
    f: Callable, wrt: Wrt | None = None
) -> Callable[..., tuple[Any, Any]]:
    """``value_and_grad(f)(*args) -> (f(*args), gradient)``."""
    names, single = _wrt_names(f, wrt)
    namespace = _compiled(f, names)
    forward, backward = (
        namespace[f"forward_{f.__name__}"],
        namespace[f"backward_{f.__name__}"],
    )
    check = _scalar_check(f)

    def value_and_gradient(*args: Any) -> tuple[Any, Any]:
        check(*args)
        out, tape = forward(*numpy_floats(*args))
        if np.ndim(out) != 0:
            raise NonScalarOutput(
                f"`{f.__name__}` returned shape {np.shape(out)}, not a scalar; grad needs a scalar"
            )
        grads = backward(tape, unit_seed(out))
        return out, grads[0] if single else grads

    return value_and_gradient


def unit_seed(out: Any) -> Any:
    """The seed 1 in the output's float type (``np.float32(1.0)``): with the Python
    float 1.0, a gradient that is a constant, d(-x)/dx = -1.0, would be a Python
    float for a 0-d float32 ``x``."""
    dtype = np.result_type(out)
    return dtype.type(1.0) if dtype.kind == "f" else 1.0


def vjp(
    f: Callable, wrt: Wrt | None = None
) -> Callable[..., tuple[Any, Callable[[Any], Any]]]:
    """``out, pullback = vjp(f)(*args)``; ``pullback(out_bar)`` gives the adjoints."""
    names, single = _wrt_names(f, wrt)
    namespace = _compiled(f, names)
    forward, backward = (
        namespace[f"forward_{f.__name__}"],
        namespace[f"backward_{f.__name__}"],
    )

    def primal_and_pullback(*args: Any) -> tuple[Any, Callable[[Any], Any]]:
        out, tape = forward(*numpy_floats(*args))

        def pullback(out_bar: Any) -> Any:
            if np.shape(out_bar) != np.shape(out):
                raise ValueError(
                    f"the seed has shape {np.shape(out_bar)}; the output has shape {np.shape(out)}"
                )
            grads = backward(tape, out_bar)
            return grads[0] if single else grads

        return out, pullback

    return primal_and_pullback


def source(f: Callable, wrt: Wrt | None = None, mode: str = "reverse") -> str:
    """The gradient code adgen writes for ``f``, as ``adgen compile --mode MODE`` would."""
    names, _ = _wrt_names(f, wrt)
    return _generate(f, names, mode)[0]


def _wrt_names(f: Callable, wrt: Wrt | None) -> tuple[list[str], bool]:
    """Parameter names to differentiate, and whether one gradient (not a tuple) is wanted."""
    params = list(inspect.signature(f).parameters)
    if wrt is None:
        declared = getattr(
            f, "__adgen_wrt__", None
        )  # @adgen.wrt("w") gives one gradient, ("w", "b") a tuple
        wrt = (
            (declared[0] if len(declared) == 1 else tuple(declared)) if declared else 0
        )
    single = isinstance(wrt, (int, str))
    items = [wrt] if single else list(wrt)  # type: ignore[list-item]
    names = []
    for item in items:
        if isinstance(item, int) and -len(params) <= item < len(params):
            names.append(params[item])
        elif isinstance(item, str) and item in params:
            names.append(item)
        else:
            raise BadWrt(
                f"`{f.__name__}` has no parameter {item!r} (parameters: {', '.join(params)})"
            )
    return names, single


def _source_text(f: Callable) -> tuple[str, str]:
    """The text of the file that defines ``f``, as it is now on disk (or in a notebook cell);
    for a gradient ``adgen.grad`` made, the gradient code adgen wrote for it."""
    of = getattr(f, "__adgen_gradient_of__", None)
    if of is not None:
        model = gradient_model_of(*of)
        if len(model.functions) != 1:
            raise BadWrt(
                f"`{f.__name__}` returns a tuple (one gradient per parameter); only a "
                "gradient with respect to one parameter can be differentiated again",
                hint="use adgen.hessian(f, wrt=(...)) or adgen.hvp for several parameters",
            )
        return model.path, model.text
    path = inspect.getsourcefile(f) or f"<{f.__name__}>"
    linecache.checkcache(
        path
    )  # an edited and reloaded module must not reuse stale text
    text = "".join(linecache.getlines(path)) or _getsource(f)
    text += _from_other_cells(f, text)
    _check_live_constants(f, path, text)
    return path, text


def _check_live_constants(f: Callable, path: str, text: str) -> None:
    """Refuse where a constant ``f`` reads has another value in the running module
    than the one the file binds it to once: something adgen cannot see rebound it
    (another notebook cell, ``exec``, ``globals()``, another module's assignment)."""
    module = _scanned(path, text)
    for name in sorted(_global_names(f) & module.constants.keys()):
        if name not in f.__globals__:  # not bound yet: the file binds it later
            continue
        written = module.constants[name]
        expected, live = ast.literal_eval(written), f.__globals__[name]
        if not _same_constant(live, expected):
            raise UnresolvedName(
                f"`{name}` is {reprlib.repr(live)} where `{f.__name__}` runs, but the "
                f"file binds it once, to {expected!r}: something adgen cannot see "
                "rebound it (another notebook cell, exec, globals(), another module)",
                module.location(written),
                hint=module_variable_hint(name),
            )


@functools.lru_cache(maxsize=32)
def _scanned(path: str, text: str) -> Module:
    # on the compiler's stack: the scan recurses as deep as the model's expressions
    return with_compiler_stack(lambda: parse_module(SourceFile(path, text)))


def _global_names(f: Callable) -> set[str]:
    """The global names ``f`` reads, and those the functions of its module it uses read."""
    names: set[str] = set()
    todo, seen = [f], set()
    while todo:
        fn = todo.pop()
        codes = [getattr(fn, "__code__", None)]
        while codes:
            code = codes.pop()
            if code is None or id(code) in seen:
                continue
            seen.add(id(code))
            names.update(code.co_names)
            codes += [c for c in code.co_consts if inspect.iscode(c)]
            for name in code.co_names:
                value = fn.__globals__.get(name)
                if inspect.isfunction(value) and value.__module__ == f.__module__:
                    todo.append(value)
    return names


def _same_constant(live: Any, expected: Any) -> bool:
    """The same number, or list or tuple of numbers, of the same types."""
    if type(live) is not type(expected):
        return False
    if isinstance(expected, (list, tuple)):
        return len(live) == len(expected) and all(
            _same_constant(a, b) for a, b in zip(live, expected, strict=True)
        )
    return bool(live == expected)


# co_filename of code that Python compiled from text it then discarded
_NO_SOURCE = {
    "<string>": "in `python -c` or by exec()",
    "<stdin>": "in the interactive interpreter",
}


def _getsource(f: Callable) -> str:
    """``inspect.getsource(f)``, with a clear error where Python kept no source."""
    try:
        return inspect.getsource(f)
    except (OSError, TypeError):
        where = _NO_SOURCE.get(
            getattr(getattr(f, "__code__", None), "co_filename", ""),
            "somewhere Python kept no source text for",
        )
        raise SourceUnavailable(
            f"cannot read the source of `{f.__name__}`: it was defined {where}, "
            "and adgen needs the source text of a function to differentiate it"
        ) from None


def _from_other_cells(f: Callable, text: str) -> str:
    """Imports and helpers ``f`` uses that its file does not define.

    In a notebook each cell is its own file: ``import numpy as np`` and ``relu``
    often live in other cells. They are looked up in ``f.__globals__`` (the
    running function's, never by executing anything) and appended as source,
    after the cell's own lines so that reported line numbers stay right.
    """
    try:  # parsed where the compiler parses: on its stack, one parse at a time
        tree = with_compiler_stack(lambda: ast.parse(text))
    except (SyntaxError, RecursionError, MemoryError):
        return ""  # compile_source reports it, located
    known = {
        n.asname or n.name.split(".")[0]
        for s in tree.body
        if isinstance(s, (ast.Import, ast.ImportFrom))
        for n in s.names
    }
    known |= {s.name for s in tree.body if isinstance(s, ast.FunctionDef)}
    extra, todo = [], [f]
    while todo:
        fn = todo.pop()
        for name in fn.__code__.co_names:
            value = fn.__globals__.get(name)
            if name in known or value is None:
                continue
            if inspect.ismodule(value):
                extra.append(f"import {value.__name__} as {name}")
            elif inspect.isfunction(value) and value.__module__ == f.__module__:
                extra.append(textwrap.dedent(_getsource(value)))
                todo.append(value)
            else:
                continue
            known.add(name)
    return (
        "\n\n# From other cells, via the function's globals:\n" + "\n".join(extra)
        if extra
        else ""
    )


def _generate(f: Callable, names: list[str], mode: str = "reverse") -> tuple[str, str]:
    path, text = _source_text(f)
    return compile_source(SourceFile(path, text), [f.__name__], names, mode), text


def _compiled(f: Callable, names: list[str], mode: str = "reverse") -> dict[str, Any]:
    path, text = _source_text(f)
    return compiled_text(path, text, [f.__name__], names, mode)


def compiled_text(
    path: str, text: str, functions: list[str], names: list[str], mode: str
) -> dict[str, Any]:
    """The namespace of the module adgen generates from model ``text`` (cached)."""
    key = (text, tuple(functions), tuple(names), mode)
    if key not in _CACHE:
        code = compile_source(SourceFile(path, text), functions, names, mode)
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
    path, text = _source_text(f)
    key = (text, f.__name__, tuple(names))
    if key not in _MODELS:

        def differentiate() -> GradientModel:  # walks the model's IR: deep stack
            stages = run(SourceFile(path, text), [f.__name__], names)
            return gradient_model(stages, f.__name__, names, path)

        _MODELS[key] = with_compiler_stack(differentiate)
    return _MODELS[key]


def tangent_model_of(f: Callable, names: list[str]) -> GradientModel:
    """``f``'s forward-mode code along ``names``, returning the tangent, as a model."""
    path, text = _source_text(f)
    key = (text, f.__name__, tuple(names), "tangent")
    if key not in _MODELS:

        def differentiate() -> GradientModel:  # walks the model's IR: deep stack
            stages = run(SourceFile(path, text), [f.__name__], names, mode="forward")
            return tangent_model(stages, f.__name__, names, path)

        _MODELS[key] = with_compiler_stack(differentiate)
    return _MODELS[key]


def _scalar_check(f: Callable) -> Callable[..., None]:
    """For a gradient ``adgen.grad`` made: a check that the function it differentiates
    returns a scalar (its gradient code checked that; the code read back does not)."""
    of = getattr(f, "__adgen_gradient_of__", None)
    if of is None:
        return lambda *args: None
    inner, names = of
    inner_check = _scalar_check(inner)
    if not gradient_model_of(inner, names).checks_scalar:
        return inner_check  # the output is a scalar by its declared shapes
    forward = _compiled(inner, names)[f"forward_{inner.__name__}"]

    def check(*args: Any) -> None:
        inner_check(*args)
        out, _ = forward(*numpy_floats(*args))
        if np.ndim(out) != 0:
            raise NonScalarOutput(
                f"`{inner.__name__}` returned shape {np.shape(out)}, not a scalar; grad needs a scalar"
            )

    return check


def clear_cache() -> None:
    """Forget compiled functions (tests that patch the rule table call this)."""
    _CACHE.clear()
    _MODELS.clear()


def defvjp(function: Callable) -> Callable[[Callable], Callable]:
    """Give ``function`` a custom reverse-mode rule::

        @adgen.defvjp(softplus)
        def softplus_vjp(g, ans, x):      # g: the output's adjoint, ans: the output
            return g * scipy.special.expit(x)

    The compiler reads the rule statically (``adgen/custom.py``) and inlines it
    into the generated code; at run time the decorator only records which
    function the rule is for, so the model file still runs as plain Python.
    """

    def register(rule: Callable) -> Callable:
        rule.__adgen_defvjp__ = function  # type: ignore[attr-defined]
        return rule

    return register


def defjvp(function: Callable) -> Callable[[Callable], Callable]:
    """Give ``function`` a custom forward-mode rule: ``def f_jvp(x_dot, ans, x)``
    (one tangent per operand, the output, the operands) returns the output's tangent.
    Read statically, like ``defvjp``; at run time it only records the function."""

    def register(rule: Callable) -> Callable:
        rule.__adgen_defjvp__ = function  # type: ignore[attr-defined]
        return rule

    return register
