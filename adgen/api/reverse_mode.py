"""Reverse-mode entry points: ``value_and_grad``, ``vjp``, and ``grad``'s reverse sweep.

    value, gradient = adgen.value_and_grad(f, wrt)(*args)
    out, pullback = adgen.vjp(f, wrt)(*args); pullback(out_bar)

Each compiles ``f``'s ``forward_f`` and ``backward_f`` once (cache.py) and
calls them: one forward sweep that records the tape, one backward sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import NonScalarOutput
from ..runtime import numpy_floats
from .cache import compiled, gradient_model_of, source_text
from .parameters import Wrt, wrt_names
from .targets import NUMPY, array_api_value_and_grad, target_of


def reverse_grad(f: Callable, wrt: Wrt | None = None) -> Callable[..., Any]:
    """The gradient of scalar ``f`` by one reverse sweep (``adgen.grad``'s default mode)."""
    value_and_grad_f = value_and_grad(f, wrt)

    def gradient(*args: Any) -> Any:
        return value_and_grad_f(*args)[1]

    return gradient


def value_and_grad(
    f: Callable, wrt: Wrt | None = None
) -> Callable[..., tuple[Any, Any]]:
    """``value_and_grad(f)(*args) -> (f(*args), gradient)``."""
    names, single = wrt_names(f, wrt)
    namespace = compiled(f, names)
    forward, backward = (
        namespace[f"forward_{f.__name__}"],
        namespace[f"backward_{f.__name__}"],
    )
    check = _scalar_check(f)

    by_library = array_api_value_and_grad(f, lambda: source_text(f), names, single)

    def value_and_gradient(*args: Any) -> tuple[Any, Any]:
        if target_of(args) != NUMPY:  # torch, CuPy, dask...: the array-API code
            return by_library(*args)
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
    names, single = wrt_names(f, wrt)
    namespace = compiled(f, names)
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
    forward = compiled(inner, names)[f"forward_{inner.__name__}"]

    def check(*args: Any) -> None:
        inner_check(*args)
        out, _ = forward(*numpy_floats(*args))
        if np.ndim(out) != 0:
            raise NonScalarOutput(
                f"`{inner.__name__}` returned shape {np.shape(out)}, not a scalar; grad needs a scalar"
            )

    return check
