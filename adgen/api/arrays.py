"""The arrays forward mode and the derivatives build: basis tangents, zero blocks, 0-d results.

A Jacobian or Hessian is assembled one basis direction at a time into blocks
of shape ``out.shape + arg.shape``.  A bottom layer of the API: numpy only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


def basis(
    args: tuple, positions: list[int]
) -> Iterator[tuple[int, tuple[int, ...], list[Any]]]:
    """(k, index, tangents): a 1 at ``index`` of the k-th parameter, zeros elsewhere."""
    for k, p in enumerate(positions):
        for index in np.ndindex(np.shape(args[p])):
            tangents = [zeros_like(args[q]) for q in positions]
            if np.ndim(args[p]) == 0:
                tangents[k] = 1.0
            else:
                tangents[k][index] = 1
            yield k, index, tangents


def zeros_like(value: Any) -> Any:
    """A zero tangent for ``value``: 0.0 for a scalar, else a float array of its shape.
    A tuple or list of numbers counts as the array it converts to, as in reverse mode
    (np.result_type would read a tuple as a dtype description)."""
    if np.ndim(value) == 0:
        return 0.0
    return np.zeros(np.shape(value), np.result_type(np.asarray(value), np.float32))


def block(out: Any, arg: Any) -> np.ndarray:
    """Zeros of shape ``out.shape + arg.shape``: ∂out/∂arg."""
    dtype = np.result_type(np.asarray(out).dtype, np.asarray(arg).dtype, np.float32)
    return np.zeros(np.shape(out) + np.shape(arg), dtype)


def unwrap(value: Any) -> Any:
    """A 0-d array as its scalar (a derivative of a scalar by a scalar is a number)."""
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value
