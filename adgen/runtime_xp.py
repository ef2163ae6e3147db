"""Helpers that array-API gradient code calls (``adgen compile --target array-api``).

The namespace-generic counterparts of ``runtime.py``: each takes its array
library from its arguments (array-api-compat's ``array_namespace``) and calls
only functions of the array API standard, so one generated file runs on numpy,
``array_api_strict``, torch, CuPy and dask arrays alike, and returns arrays of
the caller's library (a dask array stays lazy).  No numpy here.  Python numbers
among the arguments are scalars of the standard (they combine with arrays by
its rules); where every argument is a Python number the namespace is
array-api-compat's numpy wrapper.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [  # the helpers array-API gradient code may call
    "array_namespace",
    "broadcast_like",
    "concatenate_part",
    "dot",
    "dot_adjoint_x",
    "dot_adjoint_y",
    "exp2",
    "extremum_adjoint",
    "float_mask",
    "fresh_copy",
    "full_like",
    "index_adjoint",
    "logsumexp",
    "matmul_adjoint_x",
    "matmul_adjoint_y",
    "ndim_of",
    "outer",
    "shape_of",
    "size_of",
    "sum_like",
    "transpose",
    "unbroadcast",
    "unreduce",
]

NUMBERS = (bool, int, float, complex)


def array_namespace(*values: Any) -> Any:
    """The array API namespace of the arrays among ``values`` (tuples and lists, a
    tape, searched too; Python numbers and None skipped): what each generated
    function binds to ``xp`` once, on entry.  Numpy arrays beside arrays of
    another library count as that library's (a dask array of data with numpy
    weights is dask's)."""
    import array_api_compat

    arrays = list(_arrays(values))
    others = [a for a in arrays if not array_api_compat.is_numpy_array(a)]
    if others:  # numpy weights beside dask data: dask's (it computes with them)
        arrays = others
    if not arrays:  # Python numbers only: compute with numpy's 0-d arrays
        import array_api_compat.numpy as numpy_namespace

        return numpy_namespace
    return array_api_compat.array_namespace(*arrays)


def _arrays(values: Any) -> Any:
    for v in values:
        if type(v) is tuple or type(v) is list:
            yield from _arrays(v)
        elif v is not None and not isinstance(v, NUMBERS):
            yield v


def shape_of(x: Any) -> tuple:
    """``np.shape``: a Python number's shape is ``()``."""
    return () if isinstance(x, NUMBERS) else tuple(x.shape)


def ndim_of(x: Any) -> int:
    return len(shape_of(x))


def size_of(x: Any) -> int:
    """``np.size``: the number of entries (known sizes: dask's unknown ones are nan)."""
    return math.prod(shape_of(x))


def fresh_copy(x: Any) -> Any:
    """A copy of the array ``x`` (a gradient must not be an array the caller
    passed, which torch or CuPy could change in place); a number as it is."""
    if isinstance(x, NUMBERS):
        return x
    return array_namespace(x).asarray(x, copy=True)


def full_like(x: Any, fill: Any) -> Any:
    """``np.full_like``: ``x``'s shape and dtype, ``fill`` (a number or an array)
    broadcast over it (the standard's ``full_like`` takes numbers only)."""
    xp = array_namespace(x, fill)
    fill = xp.asarray(fill, dtype=x.dtype) if isinstance(fill, NUMBERS) else fill
    return xp.broadcast_to(xp.astype(fill, x.dtype), tuple(x.shape))


def float_mask(mask: Any, like: Any) -> Any:
    """``mask`` (booleans) as 0.0 and 1.0 in ``like``'s float dtype: numpy multiplies a
    float array by a boolean one, the standard does not."""
    xp = array_namespace(mask, like)
    if isinstance(like, NUMBERS) or not xp.isdtype(like.dtype, "real floating"):
        return xp.astype(mask, xp.asarray(1.0).dtype)
    return xp.astype(mask, like.dtype)


def transpose(x: Any, axes: Any = None) -> Any:
    """``x.T`` and ``np.transpose(x, axes)`` as numpy has them: without ``axes``
    every axis reversed (the standard's ``.T`` is 2-D only)."""
    if axes is None and ndim_of(x) < 2:
        return x
    xp = array_namespace(x)
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(axes)
    return xp.permute_dims(x, axes)


def outer(x: Any, y: Any) -> Any:
    """``np.outer``: both flattened, every product."""
    xp = array_namespace(x, y)
    return xp.reshape(x, (-1, 1)) * xp.reshape(y, (1, -1))


def dot(x: Any, y: Any) -> Any:
    """``np.dot`` up to 2-D: a product with a scalar, else ``x @ y``."""
    _up_to_2d(x, y)
    return x * y if ndim_of(x) == 0 or ndim_of(y) == 0 else x @ y


def _up_to_2d(x: Any, y: Any) -> None:
    """numpy's dot of stacks differs from matmul's, and the standard has neither."""
    if ndim_of(x) > 2 or ndim_of(y) > 2:
        raise TypeError(
            "np.dot beyond 2-D has no array-API spelling; use x @ y, or compile "
            "with --target numpy"
        )


def dot_adjoint_x(g: Any, x: Any, y: Any) -> Any:
    """Adjoint of ``x`` in ``dot(x, y)``: matmul's, up to 2-D."""
    _up_to_2d(x, y)
    return matmul_adjoint_x(g, x, y)


def dot_adjoint_y(g: Any, x: Any, y: Any) -> Any:
    """Adjoint of ``y`` in ``dot(x, y)``: matmul's, up to 2-D."""
    _up_to_2d(x, y)
    return matmul_adjoint_y(g, x, y)


def exp2(x: Any) -> Any:
    """``np.exp2``, which the standard lacks: ``2 ** x``."""
    xp = array_namespace(x)
    return xp.pow(2.0, x)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``scipy.special.logsumexp`` for real arrays, shifted by the peak (a row of
    -inf gives -inf, as scipy's does)."""
    xp = array_namespace(x)
    peak = xp.max(x, axis=axis, keepdims=True)
    peak = xp.where(xp.isfinite(peak), peak, 0.0)
    out = xp.log(xp.sum(xp.exp(x - peak), axis=axis, keepdims=True)) + peak
    if keepdims:
        return out
    return xp.reshape(out, ()) if axis is None else xp.squeeze(out, axis=axis)


def unbroadcast(g: Any, like: Any) -> Any:
    """Sum ``g`` over the axes broadcasting added to ``like``'s shape."""
    target = shape_of(like)
    if shape_of(g) == target:
        return g
    xp = array_namespace(g, like)
    g = xp.asarray(g)
    extra = g.ndim - len(target)
    if extra > 0:
        g = xp.sum(g, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(target) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = xp.sum(g, axis=stretched, keepdims=True)
    return xp.reshape(g, target) if tuple(g.shape) != target else g


def broadcast_like(t: Any, like: Any) -> Any:
    """``t`` stretched to ``like``'s shape (forward mode's counterpart of unbroadcast)."""
    target = shape_of(like)
    if shape_of(t) == target:
        return t
    xp = array_namespace(t, like)
    return xp.broadcast_to(xp.asarray(t), target)


def _axes(axis: Any, rank: int) -> tuple[int, ...]:
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(sorted(a % rank for a in axes))


def unreduce(g: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """Spread ``g`` back over the ``axis`` that ``sum(x, axis)`` removed (a scalar
    ``g`` is returned as it is: it broadcasts)."""
    if ndim_of(g) == 0:
        return g
    xp = array_namespace(g, x)
    target = shape_of(x)
    if not keepdims and axis is not None:
        for a in _axes(axis, len(target)):  # in increasing order: each lands in place
            g = xp.expand_dims(g, axis=a)
    return xp.broadcast_to(g, target)


def sum_like(t: Any, like: Any, axis: Any, keepdims: bool) -> Any:
    """``t`` summed back to ``like``'s shape over ``axis``: the adjoint of unreduce."""
    if shape_of(t) == shape_of(like) or ndim_of(t) == 0:
        return t
    xp = array_namespace(t, like)
    if ndim_of(like) == 0:
        return xp.sum(t)
    return xp.sum(t, axis=axis, keepdims=keepdims)


def matmul_adjoint_x(g: Any, x: Any, y: Any) -> Any:
    """Adjoint of ``x`` in ``x @ y`` for operands of any rank (matmul's rules)."""
    xp = array_namespace(g, x, y)
    if ndim_of(x) == 0 or ndim_of(y) == 0:
        return unbroadcast(g * y, x)
    if y.ndim == 1:
        gx = g[..., None] * y if x.ndim > 1 else g * y
    else:
        gy = g[..., None, :] if x.ndim == 1 else g
        gx = gy @ xp.matrix_transpose(y)
        if x.ndim == 1:
            gx = gx[..., 0, :]
    return unbroadcast(gx, x)


def matmul_adjoint_y(g: Any, x: Any, y: Any) -> Any:
    """Adjoint of ``y`` in ``x @ y`` for operands of any rank (matmul's rules)."""
    xp = array_namespace(g, x, y)
    if ndim_of(x) == 0 or ndim_of(y) == 0:
        return unbroadcast(g * x, y)
    if x.ndim == 1:
        gy = x[:, None] * g[..., None, :] if y.ndim > 1 else g * x
    else:
        gg = g[..., :, None] if y.ndim == 1 else g
        gy = xp.matrix_transpose(x) @ gg
        if y.ndim == 1:
            gy = gy[..., 0]
    return unbroadcast(gy, y)


def extremum_adjoint(g: Any, x: Any, ans: Any, axis: Any, keepdims: bool) -> Any:
    """Adjoint of ``max``/``min``: ``g`` shared equally by the entries that attain it."""
    xp = array_namespace(g, x, ans)
    hit = float_mask(x == unreduce(ans, x, axis, keepdims), x)
    count = xp.sum(hit, axis=axis, keepdims=True)
    return unreduce(g, x, axis, keepdims) * hit / count


def concatenate_part(g: Any, parts: Any, i: int, axis: int | None) -> Any:
    """The block of ``g`` that came from ``parts[i]`` in ``concat(parts, axis)``."""
    xp = array_namespace(g)
    if axis is None:  # the parts were flattened, then joined
        sizes = [size_of(p) for p in parts]
        start = sum(sizes[:i])
        return xp.reshape(g[start : start + sizes[i]], shape_of(parts[i]))
    sizes = [shape_of(p)[axis] for p in parts]
    start = sum(sizes[:i])
    block = [slice(None)] * g.ndim
    block[axis] = slice(start, start + sizes[i])
    return g[tuple(block)]


BASIC_INDEXES = (int, slice, type(None), type(Ellipsis))


def index_adjoint(g: Any, x: Any, index: Any) -> Any:
    """Adjoint of ``x[index]`` for a basic index (integers, slices, ``None``, ``...``):
    zeros of ``x``'s shape with ``g`` written at ``index``.  A basic index hits
    each entry once, so writing is adding; an array index may repeat entries,
    and the standard has no scatter-add to sum them: refused."""
    parts = index if isinstance(index, tuple) else (index,)
    if not all(isinstance(p, BASIC_INDEXES) for p in parts):
        raise TypeError(
            "indexing by an array has no array-API gradient (the standard has no "
            "scatter-add); compile with --target numpy"
        )
    xp = array_namespace(g, x)
    dtype = x.dtype if xp.isdtype(x.dtype, "real floating") else xp.asarray(1.0).dtype
    out = xp.zeros(shape_of(x), dtype=dtype)
    if Ellipsis not in parts:  # the standard indexes every axis: x[0] is x[0, ...]
        index = (*parts, Ellipsis)
    out[index] = g
    return out
