"""The independent answer for a corpus case: autograd's gradient, else central differences.

autograd differentiates a *twin* of the model function: the same code object,
run with ``np`` bound to ``autograd.numpy`` (and every function of the model
module rebound the same way, so helpers it calls are traced too).  Where
autograd cannot trace the code (item writes, ``tangent.Stack``, ...), the
gradient is taken by central finite differences of the plain numpy function.
Nothing of adgen is involved.
"""

from __future__ import annotations

import copy
import types
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

try:
    import autograd
    import autograd.numpy as anp
except ImportError:  # a test-only dependency (the `test` extra)
    autograd = None


def leaves(value: Any) -> list[Any]:
    """The numbers and arrays inside nested tuples, lists and dicts, in a fixed order."""
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in leaves(value[key])]
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def flat(value: Any) -> np.ndarray:
    """All leaves of ``value`` as one vector (its structure forgotten): float, or
    complex where a leaf is (autograd's gradient outside a real function's domain),
    so that a complex answer never compares equal to a real one."""
    parts = [np.ravel(np.asarray(leaf)) for leaf in leaves(value)]
    joined = np.concatenate(parts) if parts else np.zeros(0)
    return joined if np.iscomplexobj(joined) else joined.astype(float)


def _rebuild(value: Any, numbers: list[Any]) -> Any:
    """``value``'s structure, its leaves taken in order from ``numbers`` (consumed)."""
    if isinstance(value, dict):
        out = {key: None for key in value}
        for key in sorted(value):
            out[key] = _rebuild(value[key], numbers)
        return out
    if isinstance(value, (tuple, list)):
        return type(value)(_rebuild(item, numbers) for item in value)
    return numbers.pop(0)


def with_flat(value: Any, vector: np.ndarray) -> Any:
    """``value`` with its leaves replaced by consecutive entries of ``vector``."""
    numbers, start = [], 0
    for leaf in leaves(value):
        size = np.size(leaf)
        chunk = vector[start : start + size]
        start += size
        numbers.append(
            chunk.reshape(np.shape(leaf)) if np.ndim(leaf) else float(chunk[0])
        )
    return _rebuild(value, numbers)


def autograd_twin(module: types.ModuleType) -> dict[str, Callable]:
    """Every function of ``module``, rebound to globals where ``np`` is autograd's."""
    space = dict(vars(module))
    space["np"] = anp
    twins = {}
    for name, value in vars(module).items():
        if (
            isinstance(value, types.FunctionType)
            and value.__module__ == module.__name__
        ):
            twins[name] = types.FunctionType(
                value.__code__, space, name, value.__defaults__, value.__closure__
            )
    space.update(twins)
    return twins


def autograd_gradient(twin: Callable, args: tuple, wrt: tuple[int, ...]) -> list[Any]:
    """autograd's gradient of ``twin`` with respect to each position in ``wrt``."""
    gradients = []
    for position in wrt:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = autograd.grad(twin, position)(*copy.deepcopy(args))
        gradients.append(g)
    return gradients


def difference_gradient(f: Callable, args: tuple, wrt: tuple[int, ...]) -> list[Any]:
    """Central differences of scalar ``f``, one entry of one ``wrt`` argument at a time."""
    gradients = []
    for position in wrt:
        base = flat(args[position])
        slope = np.zeros_like(base)
        for k in range(base.size):
            step = 1e-6 * max(1.0, abs(base[k]))
            values = []
            for sign in (1.0, -1.0):
                moved = base.copy()
                moved[k] += sign * step
                trial = list(copy.deepcopy(args))
                trial[position] = with_flat(args[position], moved)
                values.append(_scalar(f(*trial)))
            slope[k] = (values[0] - values[1]) / (2 * step)
        gradients.append(with_flat(args[position], slope))
    return gradients


def _scalar(value: Any) -> float:
    if np.ndim(value) != 0 or isinstance(value, (tuple, list, dict)):
        raise TypeError(f"the function returns {type(value).__name__}, not a scalar")
    return float(value)


def reference_gradient(
    f: Callable, twin: Callable | None, args: tuple, wrt: tuple[int, ...]
) -> tuple[list[Any], str]:
    """The gradient with respect to ``wrt`` and which oracle gave it ("autograd" or
    "differences"); raises when neither can (the function is not scalar, ...)."""
    if autograd is not None and twin is not None:
        try:
            with np.errstate(all="ignore"):
                return autograd_gradient(twin, args, wrt), "autograd"
        except Exception:  # autograd cannot trace this code: fall back
            pass
    with np.errstate(all="ignore"):
        return difference_gradient(f, args, wrt), "differences"


def agrees(got: Any, expected: Any, oracle: str) -> bool:
    """Same numbers within the oracle's tolerance (differences are noisier)."""
    a, b = flat(got), flat(expected)
    if a.shape != b.shape:
        return False
    rtol, atol = (1e-6, 1e-8) if oracle == "autograd" else (1e-4, 1e-5)
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
