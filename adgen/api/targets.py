"""Which code a call runs, from its arguments: numpy code for numpy, array-API code else.

``adgen.grad(f)(x)`` and ``value_and_grad`` run the numpy target's code for
numpy arrays, Python numbers and lists (unchanged, as fast as before); an
argument of another array library (a torch tensor, a CuPy, dask, JAX or
array_api_strict array: anything with ``__array_namespace__`` that is not
numpy's) sends the call to ``adgen compile --target array-api``'s code,
compiled once per (source, function, wrt), whose results are arrays of the
caller's library (a dask array stays lazy until ``.compute()``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import NonScalarOutput, SourceFile
from ..pipeline import compile_source

NUMPY, ARRAY_API = "numpy", "array-api"
_PLAIN = (np.ndarray, np.generic, int, float, complex, bool, list, tuple, type(None))
# libraries whose arrays array-API code serves, by their top-level module
LIBRARIES = frozenset({"torch", "cupy", "dask", "jax", "jaxlib", "array_api_strict"})
_CACHE: dict[tuple[str, str, tuple[str, ...], bool], dict[str, Any]] = {}


def target_of(args: tuple) -> str:
    """``numpy``, unless an argument is an array of another library: ``array-api``."""
    for a in args:
        if isinstance(a, _PLAIN):
            continue
        if hasattr(a, "__array_namespace__"):
            return ARRAY_API
        if type(a).__module__.partition(".")[0] in LIBRARIES:
            return ARRAY_API
    return NUMPY


def array_api_value_and_grad(
    f: Callable,
    source: Callable[[], tuple[str, str]],
    names: list[str],
    single: bool,
    has_aux: bool = False,
) -> Callable[..., tuple[Any, Any]]:
    """``value_and_grad`` by ``f``'s array-API code, compiled at the first call
    (``source()``: the path and text of ``f``'s file); with ``has_aux`` the value
    is ``(loss, aux)``, as the numpy target's."""
    sweeps: list[Callable] = []

    def value_and_gradient(*args: Any) -> tuple[Any, Any]:
        if not sweeps:
            sweeps.extend(_sweeps(f, *source(), names, has_aux))
        forward, backward = sweeps
        value, tape = forward(*args)
        out = value[0] if has_aux else value
        shape = tuple(getattr(out, "shape", ()))
        if shape:
            raise NonScalarOutput(
                f"`{f.__name__}` returned shape {shape}, not a scalar; grad needs a scalar"
            )
        grads = backward(tape)  # the seed 1.0: a Python scalar keeps out's dtype
        return value, grads[0] if single else grads

    return value_and_gradient


def _sweeps(
    f: Callable, path: str, text: str, names: list[str], has_aux: bool
) -> list[Callable]:
    """``f``'s array-API forward and backward sweeps (compiled once per source)."""
    key = (text, f.__name__, tuple(names), has_aux)
    if key not in _CACHE:
        code = compile_source(
            SourceFile(path, text),
            [f.__name__],
            names,
            has_aux=has_aux,
            target=ARRAY_API,
            formatted=False,
        )
        namespace: dict[str, Any] = {}
        filename = f"<adgen: array-api code of {f.__name__}>"
        exec(compile(code, filename, "exec"), namespace)
        _CACHE[key] = namespace
    return [_CACHE[key][f"{sweep}_{f.__name__}"] for sweep in ("forward", "backward")]


__all__ = ["ARRAY_API", "NUMPY", "array_api_value_and_grad", "target_of"]
