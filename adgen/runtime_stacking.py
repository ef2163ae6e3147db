"""Run-time helpers of the adjoints of stacking and splitting (primitives/stacking.py):
re-exported by runtime.py, where emitted code imports them from.  Like every
run-time helper, each depends only on numpy."""

from __future__ import annotations

from typing import Any

import numpy as np


def joined_part(
    g: Any, parts: Any, i: int | None, join: str, axis: int | None = 0
) -> np.ndarray:
    """The adjoint of ``parts[i]`` in ``np.<join>(parts)`` (np.vstack, np.r_[...]);
    of all of ``parts``, an array numpy read as the sequence of its rows, where ``i``
    is None.  Each entry of the result is one entry of one part: numbering the
    parts' entries and joining the numbers tells which."""
    sizes = [np.size(p) for p in parts]
    starts = np.cumsum([0, *sizes])
    numbers = [
        np.arange(s, s + n).reshape(np.shape(p))
        for s, n, p in zip(starts[:-1], sizes, parts, strict=True)
    ]
    if join in ("r_", "c_"):
        joined = getattr(np, join)[tuple(numbers)]
    elif join in ("concatenate", "stack"):
        joined = getattr(np, join)(numbers, axis=axis)
    else:
        joined = getattr(np, join)(numbers)
    flat = np.zeros(starts[-1], dtype=np.result_type(g))
    flat[np.ravel(joined)] = np.ravel(g)
    if i is None:
        return np.reshape(flat, np.shape(parts))
    return np.reshape(flat[starts[i] : starts[i + 1]], np.shape(parts[i]))


def split_adjoint(
    g: Any, x: Any, split: str, sections: Any, axis: int | None, i: int
) -> np.ndarray:
    """The adjoint of ``np.<split>(x, sections, axis)[i]``: ``g`` where that part lies
    in ``x``, zeros elsewhere (the parts numpy returns are views: writing into one
    writes into the whole)."""
    whole = np.zeros(np.shape(x), dtype=np.result_type(g))
    where = () if axis is None else (axis,)
    getattr(np, split)(whole, sections, *where)[i][...] = g
    return whole
