"""Helpers that emitted gradient code calls, where one numpy expression is not enough.

Emitted code imports these by name (``from adgen.runtime import unbroadcast``)
only when it uses them; a stand-alone file (``adgen compile --standalone``)
carries a copy of those it uses instead (standalone.py), so each helper depends
only on numpy, the standard library and this module's other functions and
constants.  Each takes the adjoint ``g`` flowing back and returns
the adjoint of one operand, with that operand's shape.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from .runtime_stacking import joined_part, split_adjoint
from .staleness import StaleGeneratedWarning, warn_if_stale  # noqa: F401 (headers)

__all__ = [  # the helpers gradient code may call (warn_if_stale is only for module headers)
    "broadcast_like",
    "concatenate_part",
    "cumprod_adjoint",
    "cumprod_tangent",
    "diag_adjoint",
    "diagonal_adjoint",
    "dot_adjoint_x",
    "dot_adjoint_y",
    "extremum_adjoint",
    "fresh_copy",
    "index_adjoint",
    "index_update",
    "joined_part",
    "kron_adjoint_a",
    "kron_adjoint_b",
    "like_checked",
    "logsumexp",
    "matmul_adjoint_x",
    "matmul_adjoint_y",
    "numpy_floats",
    "numpy_floats_or_raise",
    "prod_others",
    "repeat_adjoint",
    "reshape_like",
    "scalar_math",
    "sequences_as_arrays",
    "solve_adjoint_a",
    "split_adjoint",
    "sum_like",
    "tensordot_adjoint_a",
    "tensordot_adjoint_b",
    "tile_adjoint",
    "trace_adjoint",
    "unbroadcast",
    "unpad",
    "unreduce",
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


def like_checked(values: tuple, kinds: Any, names: Any, compiled_for: str) -> tuple:
    """``values`` if each is of the kind the code was compiled for (``--like``):
    ``kinds`` is "float" or "int" for Python numbers (either passes), or one
    shape a value (``(441, 2)``, ``("n", 2)``, ``()``); a list of the shape comes
    back as its array.  Else a ValueError naming it (``names``: one string).
    Arrays and numbers come in separate calls: one comparison each, mostly."""
    if type(kinds) is str:
        if {*map(type, values)} <= _PYTHON_NUMBERS:
            return values
        kinds = (kinds,) * len(values)
    else:
        try:
            if tuple([v.shape for v in values]) == kinds:
                return values
        except AttributeError:  # a number, or a list
            pass
    names = names.split() if isinstance(names, str) else names
    return _like_checked_slowly(values, kinds, names, compiled_for)


_PYTHON_NUMBERS = frozenset({float, int})


def _like_checked_slowly(values: tuple, kinds: tuple, names: tuple, why: str) -> tuple:
    sizes: dict[str, int] = {}
    checked = []
    for value, kind, name in zip(values, kinds, names, strict=True):
        checked.append(value)
        if kind in ("float", "int"):  # np.float64 is a float; np.float32 is not
            ok = isinstance(value, (float, int)) and not isinstance(value, bool)
            wanted = f"a Python {kind}"
        else:
            checked[-1] = _as_array(value)  # a list: the array numpy reads it as
            shape = np.shape(checked[-1])
            ok = len(shape) == len(kind) and all(
                n == d if isinstance(d, int) else sizes.setdefault(d, n) == n
                for n, d in zip(shape, kind, strict=True)
            )
            wanted = f"of shape ({', '.join(map(str, kind))}{',' * (len(kind) == 1)})"
        if not ok:
            got = type(value).__name__ + f" of shape {np.shape(value)}" * (
                np.ndim(value) > 0
            )
            raise ValueError(
                f"{why}: {name} is a {got}, not {wanted}; compile it for these "
                "arguments (another --like, or none)"
            )
    return tuple(checked)


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


def _scalar_math() -> SimpleNamespace:
    return SimpleNamespace(
        **{
            numpy_name: _scalar_function(numpy_name, math_name)
            for numpy_name, math_name in SCALAR_MATH_NAMES.items()
        }
    )


scalar_math = _scalar_math()  # a helper that is no function is built by _<name>()


def numpy_floats(*args: Any) -> tuple:
    """Python floats as numpy float64 (a float subclass): then ``1.0 / 0.0`` gives
    inf, as numpy computes it, instead of raising ZeroDivisionError.  Not beside
    arrays of another dtype, which a float64 scalar would promote (float32 stays
    float32 next to a Python float, not next to a float64)."""
    if any(isinstance(a, np.ndarray) and a.dtype != np.float64 for a in args):
        return args
    return tuple(np.float64(a) if type(a) is float else a for a in args)


def fresh_copy(x: Any) -> Any:
    """A copy of the array ``x`` (a gradient must not be an array the caller passed);
    a number as it is (it cannot be changed in place)."""
    return x.copy() if isinstance(x, np.ndarray) else x


def sequences_as_arrays(*args: Any) -> tuple:
    """``args`` with each list or tuple made the array numpy reads it as, so that
    ``w + w`` adds where Python would join two lists; arrays pass through."""
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


# The frames between an emitted function and _not_an_array, found by name: in a
# stand-alone file (adgen compile --standalone) the helpers share its globals.
_ARGUMENT_FRAMES = (
    "_not_an_array",
    "_as_array",
    "<listcomp>",
    "sequences_as_arrays",
    "_like_checked_slowly",
    "like_checked",
)


def _not_an_array(value: Any, why: str) -> str:
    """The message for a list that is no array of numbers, naming the parameter it was
    passed for (looked up only here, on the way to an error, in the emitted caller)."""
    caller = sys._getframe(1)
    while caller.f_code.co_name in _ARGUMENT_FRAMES:  # up to the emitted function
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


def reshape_like(g: Any, like: Any) -> Any:
    """``g`` reshaped to ``like``'s shape: the adjoint of ravel, squeeze, atleast_*d
    (a primitive with a rule, where ``np.reshape(g, np.shape(x))`` has a call inside
    a shape, which adgen does not read back)."""
    return np.reshape(g, np.shape(like))


def _contracted(axes: Any, nda: int, ndb: int) -> tuple[list[int], list[int]]:
    """np.tensordot's ``axes`` as two lists of paired axes, each of a and of b
    (none where an operand is a scalar: np.inner(2.0, y) is a product)."""
    if nda == 0 or ndb == 0:
        return [], []
    if np.ndim(axes) == 0:
        return list(range(nda - axes, nda)), list(range(axes))
    a_axes, b_axes = ([x] if np.ndim(x) == 0 else list(x) for x in axes)
    return [x % nda for x in a_axes], [x % ndb for x in b_axes]


def tensordot_adjoint_a(g: Any, a: Any, b: Any, axes: Any) -> Any:
    """a's adjoint in ``np.tensordot(a, b, axes)``: g contracted with b over b's free
    axes, its axes put back in a's order."""
    a_axes, b_axes = _contracted(axes, np.ndim(a), np.ndim(b))
    free_a = [p for p in range(np.ndim(a)) if p not in a_axes]
    free_b = [q for q in range(np.ndim(b)) if q not in b_axes]
    r = np.tensordot(g, b, axes=(list(range(len(free_a), np.ndim(g))), free_b))
    kept = sorted(b_axes)  # b's contracted axes, in the order r has them
    order = {p: i for i, p in enumerate(free_a)}
    order |= {
        p: len(free_a) + kept.index(q) for p, q in zip(a_axes, b_axes, strict=True)
    }
    return np.transpose(r, [order[p] for p in range(np.ndim(a))])


def tensordot_adjoint_b(g: Any, a: Any, b: Any, axes: Any) -> Any:
    """b's adjoint in ``np.tensordot(a, b, axes)``."""
    a_axes, b_axes = _contracted(axes, np.ndim(a), np.ndim(b))
    free_a = [p for p in range(np.ndim(a)) if p not in a_axes]
    free_b = [q for q in range(np.ndim(b)) if q not in b_axes]
    r = np.tensordot(a, g, axes=(free_a, list(range(len(free_a)))))
    kept = sorted(a_axes)
    order = {q: len(a_axes) + i for i, q in enumerate(free_b)}
    order |= {q: kept.index(p) for p, q in zip(a_axes, b_axes, strict=True)}
    return np.transpose(r, [order[q] for q in range(np.ndim(b))])


def _kron_blocks(g: Any, a: Any, b: Any) -> tuple[Any, list[int], list[int]]:
    """g of ``np.kron(a, b)`` with its axes split into (a's, b's) pairs, and the
    shapes a and b take there (numpy pads the shorter shape with leading 1s)."""
    n = max(np.ndim(a), np.ndim(b))
    a_shape = [1] * (n - np.ndim(a)) + list(np.shape(a))
    b_shape = [1] * (n - np.ndim(b)) + list(np.shape(b))
    split = [d for pair in zip(a_shape, b_shape, strict=True) for d in pair]
    return np.reshape(g, split), a_shape, b_shape


def kron_adjoint_a(g: Any, a: Any, b: Any) -> Any:
    """a's adjoint in ``np.kron(a, b)``: each block of g against b."""
    blocks, _, b_shape = _kron_blocks(g, a, b)
    spread = np.reshape(b, [d for k in b_shape for d in (1, k)])
    summed = np.sum(blocks * spread, axis=tuple(range(1, blocks.ndim, 2)))
    return np.reshape(summed, np.shape(a))


def kron_adjoint_b(g: Any, a: Any, b: Any) -> Any:
    """b's adjoint in ``np.kron(a, b)``: the blocks of g weighted by a's entries."""
    blocks, a_shape, _ = _kron_blocks(g, a, b)
    spread = np.reshape(a, [d for k in a_shape for d in (k, 1)])
    summed = np.sum(blocks * spread, axis=tuple(range(0, blocks.ndim, 2)))
    return np.reshape(summed, np.shape(b))


def solve_adjoint_a(b_bar: Any, x: Any) -> Any:
    """A's adjoint in ``x = np.linalg.solve(A, b)``, given b's: -b_bar x^T, an outer
    product where b (and x) is a vector."""
    if np.ndim(x) == 1:
        return -np.outer(b_bar, x)
    return -(b_bar @ np.swapaxes(x, -1, -2))


def diagonal_adjoint(g: Any, x: Any, offset: int, axis1: int, axis2: int) -> Any:
    """Adjoint of ``np.diagonal(x, offset, axis1, axis2)``: zeros of x's shape with
    ``g`` written along that diagonal."""
    out = np.zeros(np.shape(x), np.result_type(g, x, np.float32))
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))  # a view: writes reach out
    i = np.arange(np.shape(g)[-1])
    view[..., i + max(-offset, 0), i + max(offset, 0)] = g
    return out


def diag_adjoint(g: Any, x: Any, k: int) -> Any:
    """Adjoint of ``np.diag(x, k)``: of a vector ``x`` (made a matrix) the diagonal of
    ``g``; of a matrix ``x`` (whose diagonal it takes) ``g`` put on that diagonal."""
    if np.ndim(x) == 1:
        return np.diag(g, k)
    return diagonal_adjoint(g, x, k, 0, 1)


def repeat_adjoint(g: Any, x: Any, repeats: Any, axis: Any) -> Any:
    """Adjoint of ``np.repeat(x, repeats, axis)``: each entry collects the adjoints of
    its copies (``axis=None``: of the flattened ``x``)."""
    x = np.asarray(x)
    flat = axis is None
    axis = 0 if flat else axis % x.ndim
    source = x.reshape(-1) if flat else x
    copies = np.repeat(np.arange(source.shape[axis]), repeats)
    out = np.zeros(source.shape, np.result_type(g, x, np.float32))
    np.add.at(np.moveaxis(out, axis, 0), copies, np.moveaxis(np.asarray(g), axis, 0))
    return out.reshape(x.shape)


def tile_adjoint(g: Any, x: Any, reps: Any) -> Any:
    """Adjoint of ``np.tile(x, reps)``: the tiles summed onto x (numpy pads x's shape
    and reps with leading 1s to the same length)."""
    shape = np.shape(x)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    n = max(len(shape), len(reps))
    shape1 = (1,) * (n - len(shape)) + tuple(shape)
    reps = (1,) * (n - len(reps)) + reps
    split = [d for pair in zip(reps, shape1, strict=True) for d in pair]
    summed = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * n, 2)))
    return np.reshape(summed, shape)


def unpad(g: Any, pad_width: Any) -> Any:
    """Adjoint of ``np.pad(x, pad_width)``: the padding cut off."""
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (np.ndim(g), 2))
    return g[
        tuple(slice(b, n - a) for (b, a), n in zip(widths, np.shape(g), strict=True))
    ]


def prod_others(x: Any, axis: Any) -> Any:
    """Each entry's cofactor in ``np.prod(x, axis)``: the product of the other entries
    it is multiplied with, without dividing (exact where x has zeros, where
    ``prod / x`` would be nan): the product of the entries before it times the
    product of those after it, along the reduced axes flattened."""
    x = np.asarray(x)
    axes = tuple(range(x.ndim)) if axis is None else _normalize_axes(axis, x.ndim)
    last = tuple(range(x.ndim - len(axes), x.ndim))
    moved = np.moveaxis(x, axes, last)
    flat = moved.reshape((*moved.shape[: x.ndim - len(axes)], -1))
    ones = np.ones_like(flat[..., :1])
    before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)
    others = (before * after[..., ::-1]).reshape(moved.shape)
    return np.moveaxis(others, last, axes)


def _along_first(x: Any, axis: Any) -> tuple[np.ndarray, Any]:
    """``x`` with ``axis`` first (flattened for None), and how to put it back."""
    x = np.asarray(x)
    if axis is None:
        return x.reshape(-1), lambda y: y.reshape(x.shape)
    return np.moveaxis(x, axis, 0), lambda y: np.moveaxis(y, 0, axis)


def cumprod_adjoint(g: Any, x: Any, axis: Any) -> Any:
    """Adjoint of ``np.cumprod(x, axis)`` without dividing (exact where x has zeros):
    x_bar[i] = ans[i - 1] * s[i], with s[i] = g[i] + x[i + 1] * s[i + 1] from the end.
    """
    xs, back = _along_first(x, axis)
    gs = _along_first(g, axis)[0]
    s = np.zeros(xs.shape, np.result_type(gs, xs, np.float32))
    for i in reversed(range(len(xs))):
        s[i] = gs[i] + (xs[i + 1] * s[i + 1] if i + 1 < len(xs) else 0.0)
    before = np.cumprod(np.concatenate([np.ones_like(xs[:1]), xs[:-1]]), axis=0)
    return back(before[: len(xs)] * s)


def cumprod_tangent(t: Any, x: Any, axis: Any) -> Any:
    """Tangent of ``np.cumprod(x, axis)`` by the product rule, without dividing:
    d[j] = d[j - 1] * x[j] + ans[j - 1] * t[j]."""
    xs, back = _along_first(x, axis)
    ts = _along_first(np.broadcast_to(t, np.shape(x)), axis)[0]
    d = np.zeros(xs.shape, np.result_type(ts, xs, np.float32))
    ans = np.cumprod(xs, axis=0)
    for j in range(len(xs)):
        d[j] = ts[j] if j == 0 else d[j - 1] * xs[j] + ans[j - 1] * ts[j]
    return d if axis is None else back(d)  # axis=None: flat, as np.cumprod's value


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


def index_update(x: Any, index: Any, value: Any) -> np.ndarray:
    """``y[index] = value`` as a new array: a copy of ``x`` with ``value`` written at
    ``index`` (generated code never writes into an array another name may hold).

    Refuses what would make the adjoint of the write wrong: a float written into
    an integer array (numpy truncates it), and an index array that names one
    entry twice (numpy keeps the last write, which the adjoint cannot tell)."""
    out = np.array(x)
    if np.issubdtype(np.asarray(value).dtype, np.inexact) and not np.issubdtype(
        out.dtype, np.inexact
    ):
        raise TypeError(
            f"writing a float into an array of {out.dtype} truncates it; "
            "build the array as floats (np.zeros(n), np.array([1.0, 2.0]))"
        )
    if not _is_basic_index(index):
        count = np.zeros(out.shape, dtype=np.int64)
        np.add.at(count, index, 1)
        if (count > 1).any():
            raise ValueError(
                "the index of this write names an entry twice; write each entry once"
            )
    out[index] = value
    return out


def _is_basic_index(index: Any) -> bool:
    """Integers, slices, None and ...: no entry can be named twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice))
        for p in parts
    )


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


def trace_adjoint(
    g: Any, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1
) -> np.ndarray:
    """Adjoint of ``np.trace(x)`` for ``x`` of any rank: ``g`` on the diagonal of the
    first two axes (of ``axis1``, ``axis2``, ``offset`` where given)."""
    shape = np.shape(x)
    if (offset, axis1, axis2) != (0, 0, 1):
        length = np.diagonal(np.broadcast_to(0.0, shape), offset, axis1, axis2).shape
        spread = np.broadcast_to(np.expand_dims(g, -1), length)
        return diagonal_adjoint(spread, x, offset, axis1, axis2)
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
