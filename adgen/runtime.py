"""Helpers that emitted gradient code calls, where one numpy expression is not enough.

Emitted code imports these by name (``from adgen.runtime import unbroadcast``)
only when it uses them.  Each takes the adjoint ``g`` flowing back and returns
the adjoint of one operand, with that operand's shape.
"""

from __future__ import annotations

import hashlib
import math
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

__all__ = [  # the helpers gradient code may call (warn_if_stale is only for module headers)
    "broadcast_like",
    "concatenate_part",
    "dot_adjoint_x",
    "dot_adjoint_y",
    "extremum_adjoint",
    "index_adjoint",
    "like_checked",
    "logsumexp",
    "matmul_adjoint_x",
    "matmul_adjoint_y",
    "numpy_floats",
    "numpy_floats_or_raise",
    "scalar_math",
    "sequences_as_arrays",
    "sum_like",
    "trace_adjoint",
    "unbroadcast",
    "unreduce",
]


# Helpers that are primitives with rules too, so that adgen can read its own
# gradient code back (higher order; concatenate_part takes a list: not yet).
GRADIENT_HELPERS = [
    "unbroadcast",
    "broadcast_like",
    "extremum_adjoint",
    "index_adjoint",
    "trace_adjoint",
    "matmul_adjoint_x",
    "matmul_adjoint_y",
    "dot_adjoint_x",
    "dot_adjoint_y",
    "unreduce",
    "sum_like",
]


def unbroadcast(g: Any, like: Any) -> Any:
    """Sum ``g`` over the axes numpy broadcasting added to ``like``'s shape."""
    shape = np.shape(like)
    if np.shape(g) == shape:
        return g
    g = np.asarray(g)
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g.reshape(shape) if g.shape != shape else g


def like_checked(values: tuple, kinds: tuple, names: tuple, compiled_for: str) -> tuple:
    """``values`` as they are, if each is the kind of argument the code was compiled
    for (``adgen compile --like``: ``"float"``, ``"int"``, or dims such as
    ``"441 2"``, ``"n 2"``, ``""`` for a numpy scalar); else a ValueError that says
    which, rather than a gradient computed for other shapes."""
    sizes: dict[str, int] = {}
    for value, kind, name in zip(values, kinds, names, strict=True):
        if kind in ("float", "int"):  # np.float64 is a float; np.float32 is not
            ok = isinstance(value, (float, int)) and not isinstance(value, bool)
            wanted = f"a Python {kind}"
        else:
            shape, dims = np.shape(value), kind.split()
            ok = len(shape) == len(dims) and all(
                str(n) == d if d.isdigit() else sizes.setdefault(d, n) == n
                for n, d in zip(shape, dims, strict=True)
            )
            wanted = f"of shape ({kind.replace(' ', ', ')})"
        if not ok:
            got = type(value).__name__ + (
                f" of shape {np.shape(value)}" if np.ndim(value) else ""
            )
            raise ValueError(
                f"{compiled_for}: {name} is a {got}, not {wanted}; compile it for "
                "these arguments (another --like, or none)"
            )
    return values


def broadcast_like(t: Any, like: Any) -> Any:
    """``t`` stretched to ``like``'s shape, as broadcasting stretched an operand:
    forward mode's counterpart of ``unbroadcast`` (a tangent has its value's shape)."""
    shape = np.shape(like)
    return t if np.shape(t) == shape else np.broadcast_to(t, shape)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``scipy.special.logsumexp(x, axis, keepdims)`` for real arrays, several times
    faster on small ones (scipy's goes through its array-API layer: 190 µs against
    40 µs on a 128 x 10 batch of logits).  The same inf and nan results: a row of
    -inf gives -inf, a +inf gives +inf, a nan gives nan, without warnings."""
    x = np.asarray(x)
    if x.ndim == 0 or x.size == 0 or not np.issubdtype(x.dtype, np.floating):
        import scipy.special  # 0-d, empty, integer, complex: scipy's own rules

        return scipy.special.logsumexp(x, axis=axis, keepdims=keepdims)
    peak = np.max(x, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0).astype(x.dtype, copy=False)
    with np.errstate(divide="ignore"):  # log(0) of a row of -inf is -inf, silently
        out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True))
    out += peak
    if not keepdims:
        out = np.squeeze(out, axis=axis)
    return out[()] if out.ndim == 0 else out  # a numpy scalar, as scipy returns


def _scalar_function(numpy_name: str, math_name: str) -> Any:
    fast, general = getattr(math, math_name), getattr(np, numpy_name)

    def function(x: Any) -> Any:
        if isinstance(x, float):  # a Python float or a numpy float64
            try:
                return fast(x)
            except (
                ValueError,
                OverflowError,
            ):  # log(0), exp(1000): numpy's -inf, inf, nan
                pass
        return general(x)

    function.__name__ = numpy_name
    function.__doc__ = (
        f"math.{math_name} on a float, else (and where it raises) np.{numpy_name}"
    )
    return function


# ``scalar_math.cos(x)``: what grad_f calls on values its shapes declare scalars.
# math.cos on a Python float takes a fifth of np.cos's time and returns a float,
# which keeps the arithmetic after it fast; arrays (a declaration is only a
# promise), float32 and the points where math raises go to numpy, so every
# result, inf and nan included, is numpy's.
# numpy's name of each function: math's.
SCALAR_MATH_NAMES = {
    "sin": "sin", "cos": "cos", "tan": "tan", "arcsin": "asin", "arccos": "acos",
    "arctan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "exp": "exp",
    "expm1": "expm1", "log": "log", "log2": "log2", "log10": "log10",
    "log1p": "log1p", "sqrt": "sqrt",
}  # fmt: skip
scalar_math = SimpleNamespace(
    **{
        numpy_name: _scalar_function(numpy_name, math_name)
        for numpy_name, math_name in SCALAR_MATH_NAMES.items()
    }
)


def numpy_floats(*args: Any) -> tuple:
    """Python floats as numpy float64 (a float subclass): then ``1.0 / 0.0`` gives
    inf, as numpy computes it, instead of raising ZeroDivisionError.  Not beside
    arrays of another dtype, which a float64 scalar would promote (float32 stays
    float32 next to a Python float, not next to a float64)."""
    if any(isinstance(a, np.ndarray) and a.dtype != np.float64 for a in args):
        return args
    return tuple(np.float64(a) if type(a) is float else a for a in args)


def sequences_as_arrays(*args: Any) -> tuple:
    """``args`` with each list or tuple made the array numpy reads it as: what every
    emitted function does first with the parameters a caller may pass as lists, so
    that ``w + w`` adds where Python would join two lists.  Arrays pass through after
    one type test each (what it costs: see README, Performance)."""
    for a in args:
        if type(a) is list or type(a) is tuple:
            break
    else:
        return args
    return tuple([_as_array(a) for a in args])


def _as_array(value: Any) -> Any:
    if type(value) is not list and type(value) is not tuple:
        return value
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged: numpy will not guess
        raise TypeError(_not_an_array(value, str(error))) from None
    if array.dtype.kind not in "biufc":
        raise TypeError(_not_an_array(value, f"its entries make dtype {array.dtype}"))
    return array


def _not_an_array(value: Any, why: str) -> str:
    """The message for a list that is no array of numbers, naming the parameter it was
    passed for (looked up only here, on the way to an error, in the emitted caller)."""
    caller = sys._getframe(1)
    while caller.f_globals is globals():  # up to the emitted function
        caller = caller.f_back
    names = [n for n, v in caller.f_locals.items() if v is value] or ["?"]
    kind = type(value).__name__
    return (
        f"{caller.f_code.co_name}: parameter `{names[0]}` is a {kind} that is not an "
        f"array of numbers ({why}); pass a numpy array, or a rectangular {kind} of numbers"
    )


def numpy_floats_or_raise(*args: Any) -> tuple:
    """``args`` with every Python float in them, in tuples and lists too (a tape and
    its stacks), a numpy float: then ``1.0 / 0.0`` is inf and ``0.0 ** -1`` inf, as
    numpy computes them, instead of raising.  An emitted function calls this where
    its arithmetic raised ArithmeticError, and runs again on the result.

    The numpy float is float64, or the float type of the arrays among ``args``
    (float32 beside float32 arrays: the type numpy's arithmetic gives a Python
    float there).  Where ``args`` hold no Python float, the error being handled is
    raised again: it is not a Python float's (an int divided by zero, or numpy
    told to raise), and a rerun would raise it again."""
    types = _numpy_float_types(args)
    dtype = np.result_type(*types) if types else np.dtype(np.float64)
    converted, changed = _floats_as(args, dtype.type)
    if not changed:
        raise  # called in an except block: its error, again
    return converted


def _numpy_float_types(values: Any) -> list[np.dtype]:
    """The dtypes of the numpy floats (arrays and scalars) in ``values``, at any depth."""
    found = []
    for v in values:
        if isinstance(v, (np.ndarray, np.generic)) and v.dtype.kind == "f":
            found.append(v.dtype)
        elif type(v) is tuple or type(v) is list:
            found += _numpy_float_types(v)
    return found


def _floats_as(values: Any, make: Any) -> tuple[Any, bool]:
    """``values`` (a tuple or list) with each Python float ``make(v)``, at any depth,
    and whether there was one."""
    out, changed = [], False
    for v in values:
        if type(v) is float:
            v, changed = make(v), True
        elif type(v) is tuple or type(v) is list:
            v, inner = _floats_as(v, make)
            changed = changed or inner
        out.append(v)
    return type(values)(out), changed


def _normalize_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(sorted(a % ndim for a in axes))


def unreduce(g: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """Spread ``g`` back over the ``axis`` that ``sum(x, axis)`` removed.

    A scalar ``g`` is returned as it is (it broadcasts against ``x``): the
    Python-float seed 1.0 stays a weak Python float, where np.expand_dims would
    make it a float64 array and a float32 gradient float64."""
    if np.ndim(g) == 0:
        return g
    shape = np.shape(x)
    if not keepdims and axis is not None:
        g = np.expand_dims(g, _normalize_axes(axis, len(shape)))
    return np.broadcast_to(g, shape)


def sum_like(t: Any, like: Any, axis: Any, keepdims: bool) -> Any:
    """``t`` summed back to ``like``'s shape over the ``axis`` that
    ``unreduce(like, x, axis, keepdims)`` spread ``like`` over: the adjoint of
    ``unreduce``, which adgen needs to differentiate gradient code twice.

    A scalar ``like`` was left as it is by ``unreduce`` and stretched over
    everything by broadcasting afterwards, so every entry of ``t`` sums into it."""
    if np.shape(t) == np.shape(like) or np.ndim(t) == 0:
        return t
    if np.ndim(like) == 0:
        return np.sum(t)
    return np.sum(t, axis=axis, keepdims=keepdims)


def extremum_adjoint(g: Any, x: Any, ans: Any, axis: Any, keepdims: bool) -> np.ndarray:
    """Adjoint of ``max``/``min``: ``g`` shared equally by the entries that attain it."""
    hit = np.asarray(x) == unreduce(ans, x, axis, keepdims)
    dtype = np.result_type(np.asarray(x).dtype, np.float32)  # float32 stays float32
    count = np.sum(hit, axis=axis, keepdims=True).astype(dtype)
    return (unreduce(g, x, axis, keepdims) * hit / count).astype(dtype, copy=False)


def index_adjoint(g: Any, x: Any, index: Any) -> np.ndarray:
    """Adjoint of ``x[index]``: zeros of ``x``'s shape with ``g`` added at ``index``.

    It has ``x``'s dtype (at least float32), like the adjoints of sum and max:
    ``g`` may be a float64 numpy scalar where the program computed in float32
    (the Python-float seed times a numpy bool mask, in max's rule)."""
    dtype = np.result_type(np.asarray(x).dtype, np.float32)  # float32 stays float32
    out = np.zeros(np.shape(x), dtype=dtype)
    np.add.at(out, index, g)  # add.at, not +=: repeated integer indexes must accumulate
    return out


def concatenate_part(
    g: Any, parts: Sequence[Any], i: int, axis: int | None
) -> np.ndarray:
    """The block of ``g`` that came from ``parts[i]`` in ``np.concatenate(parts, axis)``."""
    if axis is None:  # the parts were flattened, then joined
        sizes = [np.size(p) for p in parts]
        start = sum(sizes[:i])
        return np.reshape(g[start : start + sizes[i]], np.shape(parts[i]))
    sizes = [np.shape(p)[axis] for p in parts]
    start = sum(sizes[:i])
    return np.take(g, np.arange(start, start + sizes[i]), axis=axis)


def trace_adjoint(g: Any, x: Any) -> np.ndarray:
    """Adjoint of ``np.trace(x)`` for ``x`` of any rank: ``g`` on the diagonal of the first two axes."""
    shape = np.shape(x)
    dtype = np.result_type(np.asarray(x).dtype, np.float32)  # float32 stays float32
    eye = np.eye(shape[0], shape[1], dtype=dtype).reshape(
        shape[:2] + (1,) * (len(shape) - 2)
    )
    return (eye * np.asarray(g)).astype(dtype, copy=False)


def dot_adjoint_x(g: Any, x: Any, y: Any) -> Any:
    return _typed(_dot_adjoint_x, g, x, y)


def _dot_adjoint_x(g: Any, x: Any, y: Any) -> Any:
    """Adjoint of ``x`` in ``np.dot(x, y)``: N-D dot sums the last axis of x with y's second-to-last."""
    x, y, g = np.asarray(x), np.asarray(y), np.asarray(g)
    if x.ndim == 0 or y.ndim == 0:
        return unbroadcast(g * y, x)
    if y.ndim == 1:
        return np.multiply.outer(g, y)
    y_axes = [*range(y.ndim - 2), y.ndim - 1]  # every axis of y but the summed one
    return np.tensordot(g, y, axes=(list(range(x.ndim - 1, g.ndim)), y_axes))


def dot_adjoint_y(g: Any, x: Any, y: Any) -> Any:
    return _typed(_dot_adjoint_y, g, x, y)


def _dot_adjoint_y(g: Any, x: Any, y: Any) -> Any:
    """Adjoint of ``y`` in ``np.dot(x, y)``."""
    x, y, g = np.asarray(x), np.asarray(y), np.asarray(g)
    if x.ndim == 0 or y.ndim == 0:
        return unbroadcast(g * x, y)
    lead = list(range(x.ndim - 1))  # x's axes that survive into the output, first in g
    gy = np.tensordot(x, g, axes=(lead, lead))  # (k, *y_batch, m) or (k,)
    return np.moveaxis(gy, 0, -2) if y.ndim >= 2 else gy


def _typed(adjoint: Any, g: Any, x: Any, y: Any) -> Any:
    """``adjoint(g, x, y)`` in the dtype numpy gives ``x @ y`` (a Python-float seed stays weak)."""
    dtype = np.result_type(g, x, y)
    return np.asarray(adjoint(g, x, y)).astype(dtype, copy=False)


def matmul_adjoint_x(g: Any, x: Any, y: Any) -> Any:
    return _typed(_matmul_adjoint_x, g, x, y)


def _matmul_adjoint_x(g: Any, x: Any, y: Any) -> Any:
    """Adjoint of ``x`` in ``x @ y`` for operands of any rank (numpy's matmul rules)."""
    x, y, g = np.asarray(x), np.asarray(y), np.asarray(g)
    if x.ndim == 0 or y.ndim == 0:  # np.dot with a scalar is a product
        return unbroadcast(g * y, x)
    if y.ndim == 1:
        gx = np.multiply.outer(g, y) if x.ndim > 1 else g * y
    else:
        gy = g[..., None, :] if x.ndim == 1 else g
        gx = gy @ np.swapaxes(y, -1, -2)
        if x.ndim == 1:
            gx = gx[..., 0, :]
    return unbroadcast(gx, x)


def matmul_adjoint_y(g: Any, x: Any, y: Any) -> Any:
    return _typed(_matmul_adjoint_y, g, x, y)


def _matmul_adjoint_y(g: Any, x: Any, y: Any) -> Any:
    """Adjoint of ``y`` in ``x @ y`` for operands of any rank (numpy's matmul rules)."""
    x, y, g = np.asarray(x), np.asarray(y), np.asarray(g)
    if x.ndim == 0 or y.ndim == 0:
        return unbroadcast(g * x, y)
    if x.ndim == 1:
        gy = np.multiply.outer(x, g) if y.ndim > 1 else g * x
        if y.ndim > 2:
            gy = np.moveaxis(gy, 0, -2)
    else:
        gg = g[..., :, None] if y.ndim == 1 else g
        gy = np.swapaxes(x, -1, -2) @ gg
        if y.ndim == 1:
            gy = gy[..., 0]
    return unbroadcast(gy, y)


class StaleGeneratedWarning(UserWarning):
    """A generated gradient file was written from an older version of its model."""


def warn_if_stale(
    generated_file: str, source: str, source_hash: str, command: str
) -> None:
    """Warn (once, at import) if the model file next to a generated file has changed.

    ``source`` is the model's path relative to the generated file's folder; where
    the model is not there (the generated file was copied elsewhere), nothing is said.
    """
    path = Path(generated_file).parent / source
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return
    if hashlib.sha256(text.encode()).hexdigest()[:16] != source_hash:
        message = f"{generated_file} is stale: {path} changed since it was generated; refresh it with `{command}`"
        warnings.warn(message, StaleGeneratedWarning, stacklevel=2)
