"""Reverse-mode entry points: ``value_and_grad``, ``vjp``, and ``grad``'s reverse sweep.

    value, gradient = adgen.value_and_grad(f, wrt)(*args)
    out, pullback = adgen.vjp(f, wrt)(*args); pullback(out_bar)

``value_and_grad`` and ``grad`` compile ``f`` once (cache.py) and call the
fused ``value_and_grad_f`` / ``grad_f`` (no tape; Python floats take the float
path); ``vjp`` calls ``forward_f``, which records the tape, and ``backward_f``
with the caller's seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..runtime import numpy_floats
from .cache import compiled, source_text
from .parameters import Wrt, binder, signature_of, wants_aux, wrt_names
from .specialized import Specialized
from .targets import NUMPY, array_api_value_and_grad, target_of


def reverse_grad(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., Any]:
    """The gradient of scalar ``f`` by one reverse sweep (``adgen.grad``'s default
    mode): the generated ``grad_f``, both sweeps fused; with ``has_aux``,
    ``(gradient, aux)``."""
    return _fused(f, wrt, "grad", has_aux)


def value_and_grad(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., tuple[Any, Any]]:
    """``value_and_grad(f)(*args) -> (f(*args), gradient)``: the generated
    ``value_and_grad_f``, both sweeps fused; with ``has_aux`` (``f`` returns
    ``(loss, aux)``), ``((loss, aux), gradient)``, as JAX."""
    return _fused(f, wrt, "value_and_grad", has_aux)


def _fused(
    f: Callable, wrt: Wrt | None, role: str, has_aux: bool | None
) -> Callable[..., Any]:
    """A call of the fused ``grad_f`` or ``value_and_grad_f``, compiled for the
    kind of arguments it gets (specialized.py).  Python floats are passed as
    they are, to the float path, unless the module raises a float to a power
    Python would make complex (numpy_floats)."""
    names, single = wrt_names(f, wrt)
    aux = wants_aux(f, has_aux)
    modules = Specialized(f, names, role, aux)
    count, bind = len(signature_of(f).parameters), binder(f)
    grad_only = role == "grad"
    by_library = array_api_value_and_grad(f, lambda: source_text(f), names, single, aux)
    finish = _FINISH[single, role, aux]
    finished = eval(f"lambda result: {finish}")  # one of _FINISH's expressions

    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) != count:
            args = bind(args, kwargs)
        if target_of(args) != NUMPY:  # torch, CuPy, dask...: the array-API code
            value, grads = by_library(*args)
            if not grad_only:
                return value, grads
            return (grads, value[1]) if aux else grads
        fused, floats, forward = modules.entry(args)
        try:
            result = fused(*floats(*args)) if floats is not None else fused(*args)
        except ValueError:  # grad_f's scalar check, or the model's own error
            modules.refuse_non_scalar(forward, args)
            raise
        return finished(result)

    return _with_number_path(f, modules.by_types, call, finish)


# What the caller gets of the generated function's result: one gradient or a
# tuple, (gradients, aux) for grad with has_aux, (value, gradients) for
# value_and_grad; keyed by (one gradient, role, has_aux).
_FINISH = {
    (False, "grad", False): "result",
    (False, "grad", True): "result",
    (False, "value_and_grad", False): "result",
    (False, "value_and_grad", True): "result",
    (True, "grad", False): "result[0]",
    (True, "grad", True): "(result[0][0], result[1])",
    (True, "value_and_grad", False): "(result[0], result[1][0])",
    (True, "value_and_grad", True): "(result[0], result[1][0])",
}


def _with_number_path(
    f: Callable, by_types: dict, general: Callable, finish: str
) -> Callable[..., Any]:
    """``general``, behind a function with ``f``'s own parameters that sends
    Python numbers and numpy arrays straight to their compiled module (by their
    types, and the arrays' shapes): on the float path (0.15 us a gradient) a
    call through ``*args`` and per-argument tests would cost twice the
    gradient, so this one is written for ``f`` and compiled (a parameter list
    with keyword-only or variadic parameters keeps ``general``)."""
    params = list(signature_of(f).parameters.values())
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in params):
        return general
    args = ", ".join(p.name for p in params)
    types = "".join(f"_adgen_type({p.name}), " for p in params)
    shapes = "".join(f"_adgen_getattr({p.name}, 'shape', None), " for p in params)
    # its own names start with _adgen_: the model's parameters keep theirs
    source = (
        f"def {f.__name__}({args}):\n"
        f"    _adgen_fused = _adgen_by_types.get(({types}))\n"
        "    if _adgen_fused.__class__ is dict:  # arrays among them: by shapes\n"
        f"        _adgen_fused = _adgen_fused.get(({shapes}))\n"
        "    if _adgen_fused is None:\n"
        f"        return _adgen_general({args})\n"
        "    try:\n"
        f"        _adgen_result = _adgen_fused({args})\n"
        "    except ValueError:  # the general path says why\n"
        f"        return _adgen_general({args})\n"
        f"    return {finish.replace('result', '_adgen_result')}\n"
    )
    namespace = {"_adgen_by_types": by_types, "_adgen_general": general}
    namespace["_adgen_type"] = type  # a parameter may be called type
    namespace["_adgen_getattr"] = getattr
    exec(compile(source, f"<adgen: calls of {f.__name__}>", "exec"), namespace)
    call = namespace[f.__name__]
    call.__defaults__ = f.__defaults__
    return call


def unit_seed(out: Any) -> Any:
    """The seed 1 in the output's float type (``np.float32(1.0)``): with the Python
    float 1.0, a gradient that is a constant, d(-x)/dx = -1.0, would be a Python
    float for a 0-d float32 ``x``."""
    dtype = np.result_type(out)
    return dtype.type(1.0) if dtype.kind == "f" else 1.0


def vjp(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., tuple]:
    """``out, pullback = vjp(f)(*args)``; ``pullback(out_bar)`` gives the adjoints.
    With ``has_aux``: ``out, pullback, aux = vjp(f, has_aux=True)(*args)``, as JAX."""
    names, single = wrt_names(f, wrt)
    aux = wants_aux(f, has_aux)
    namespace = compiled(f, names, has_aux=aux)
    forward, backward = (
        namespace[f"forward_{f.__name__}"],
        namespace[f"backward_{f.__name__}"],
    )

    bind = binder(f)

    def primal_and_pullback(*args: Any, **kwargs: Any) -> tuple:
        args = bind(args, kwargs)
        value, tape = forward(*numpy_floats(*args))
        out = value[0] if aux else value

        def pullback(out_bar: Any) -> Any:
            if np.shape(out_bar) != np.shape(out):
                raise ValueError(
                    f"the seed has shape {np.shape(out_bar)}; the output has shape {np.shape(out)}"
                )
            grads = backward(tape, out_bar)
            return grads[0] if single else grads

        return (out, pullback, value[1]) if aux else (out, pullback)

    return primal_and_pullback
