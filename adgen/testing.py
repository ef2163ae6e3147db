"""Check gradients against central finite differences, independently of adgen.

    from adgen.testing import check_grads
    check_grads(f, (x, w), wrt=(0, 1))          # raises AssertionError if wrong

The reference is the central difference (f(x + h e_i) - f(x - h e_i)) / 2h for
every entry of small parameters, and along a few random directions v for large
ones (the directional derivative ⟨∇f, v⟩), in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

FULL_CHECK_LIMIT = 64  # entries; above this, check along random directions


def numerical_grad(
    f: Callable[..., Any], args: Sequence[Any], argnum: int, eps: float = 1e-6
) -> np.ndarray:
    """Central finite-difference gradient of scalar ``f`` with respect to ``args[argnum]``."""
    x = np.array(args[argnum], dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        grad[i] = _central(f, args, argnum, _basis(x, i), eps)
    return grad


def directional_derivative(
    f: Callable[..., Any],
    args: Sequence[Any],
    argnum: int,
    v: np.ndarray,
    eps: float = 1e-6,
) -> float:
    """Central finite difference of ``f`` along ``v`` in ``args[argnum]``."""
    return _central(f, args, argnum, v, eps)


def check_grads(
    f: Callable[..., Any],
    args: Sequence[Any],
    wrt: int | Sequence[int] = 0,
    grad_fn: Callable[..., Any] | None = None,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    directions: int = 3,
    seed: int = 0,
) -> None:
    """Assert that the gradient of ``f`` (by adgen, or ``grad_fn``) matches finite differences.

    ``grad_fn(*args)`` must return one gradient per entry of ``wrt`` (a single
    one when ``wrt`` is an int), as ``adgen.grad(f, wrt)`` does.
    """
    if grad_fn is None:
        from .api import grad

        grad_fn = grad(f, wrt)
    argnums = [wrt] if isinstance(wrt, int) else list(wrt)
    grads = grad_fn(*args)
    grads = [grads] if isinstance(wrt, int) else list(grads)
    rng = np.random.default_rng(seed)
    if len(grads) != len(argnums):
        raise AssertionError(
            f"{len(grads)} gradients for {len(argnums)} arguments in wrt"
        )
    for argnum, g in zip(argnums, grads, strict=True):
        x = np.asarray(args[argnum])
        if np.shape(g) != x.shape:
            raise AssertionError(
                f"gradient of argument {argnum} has shape {np.shape(g)}, the argument {x.shape}"
            )
        if x.size <= FULL_CHECK_LIMIT:
            expected = numerical_grad(f, args, argnum, eps)
            _compare(
                np.asarray(g, dtype=np.float64),
                expected,
                rtol,
                atol,
                f"argument {argnum}",
            )
        else:
            for k in range(directions):
                v = rng.standard_normal(x.shape)
                expected = directional_derivative(f, args, argnum, v, eps)
                got = float(np.sum(np.asarray(g, dtype=np.float64) * v))
                _compare(
                    np.array(got),
                    np.array(expected),
                    rtol,
                    atol,
                    f"argument {argnum}, direction {k}",
                )


def _basis(x: np.ndarray, index: tuple[int, ...]) -> np.ndarray:
    e = np.zeros_like(x)
    e[index] = 1.0
    return e


def _central(
    f: Callable[..., Any], args: Sequence[Any], argnum: int, v: np.ndarray, eps: float
) -> float:
    def at(step: float) -> float:
        # fresh copies: a function that updates an input in place must not skew later calls
        moved = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        x = np.asarray(args[argnum], dtype=np.float64)
        moved[argnum] = x + step * v if x.ndim else float(x + step * v)
        return float(f(*moved))

    return (at(eps) - at(-eps)) / (2 * eps)


def _compare(
    got: np.ndarray, expected: np.ndarray, rtol: float, atol: float, what: str
) -> None:
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    err = np.abs(got - expected)
    if np.all(err <= atol * scale + rtol * np.abs(expected)) and np.all(
        np.isfinite(got) == np.isfinite(expected)
    ):
        return
    worst = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
    raise AssertionError(
        f"gradient mismatch for {what}: max abs error {float(np.max(err)):.3g} at {worst}; "
        f"adgen {got[worst] if err.ndim else got} vs finite differences {expected[worst] if err.ndim else expected}"
    )
