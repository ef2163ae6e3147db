"""Check gradients against central finite differences, independently of adgen.

    from adgen.testing import check_grads
    check_grads(f, (x, w), wrt=(0, 1))          # raises AssertionError if wrong

The reference is the central difference (f(x + h e_i) - f(x - h e_i)) / 2h for
every entry of small parameters, and along a few random directions v for large
ones (the directional derivative ⟨∇f, v⟩), in float64.  The step h is relative:
``eps * max(1, |x|)`` (a fixed step is below the spacing of floats near x = 1e9),
and the quotient divides by the step actually taken, ``(x + h) - (x - h)``.

Where that quick difference does not match, it is not trusted on its own: the
entry is referred to ``scipy.differentiate.derivative`` (adaptive steps,
Richardson extrapolation), which also estimates its own error.  Against that
reference, with ``allowed = atol * scale + rtol * |reference|``:

* agree: ``|gradient - reference| <= allowed``;
* disagree: ``|gradient - reference| > allowed + error estimate`` (or the
  gradient is inf/nan where the reference is finite): AssertionError;
* inconclusive: the reference is nan or inf (f is not finite, or not
  differentiable, around the point), or its error estimate is larger than
  ``allowed`` ("too large an error bound": it cannot tell agreement from
  disagreement), or the difference falls between the two bounds above:
  ``InconclusiveCheck``, a subclass of AssertionError, so a test that cannot
  check its gradient fails instead of passing silently; choose another point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.differentiate import derivative

FULL_CHECK_LIMIT = 64  # entries; above this, check along random directions
AGREE, DISAGREE, INCONCLUSIVE = "agree", "DISAGREE", "inconclusive"


class InconclusiveCheck(AssertionError):
    """No trustworthy reference at this point: neither a pass nor a mismatch."""


@dataclass(frozen=True)
class Reference:
    """A derivative by scipy.differentiate, and its estimate of its own error."""

    value: float
    error: float


def reference_derivative(
    phi: Callable[[float], float],
    scale: float = 1.0,
    tolerance: Callable[[float], float] | None = None,
) -> Reference:
    """``phi'(0)`` for scalar ``phi`` by ``scipy.differentiate.derivative``, with
    its error estimate; nan where phi(0) is not finite (or a step met a nan).

    The first step is scipy's absolute 0.5 (right for sin at x = 1e9, where a
    step relative to |x| samples the oscillation at random).  Only where that
    estimate's error is above ``tolerance(value)`` (as for x**2 at x = 1e9, whose
    rounding swamps small steps) is a first step relative to ``scale`` = max(1, |x|)
    tried, and kept if its own error estimate is within the tolerance and it
    lies near the absolute estimate.
    """
    with np.errstate(all="ignore"):
        value = phi(0.0)
    if not math.isfinite(value):  # no derivative to check where f is inf or nan
        return Reference(math.nan, math.nan)

    def trusted(r: Reference) -> bool:
        return (
            math.isfinite(r.value)
            and math.isfinite(r.error)
            and (tolerance is None or r.error <= tolerance(r.value))
        )

    absolute = _derivative(phi, 0.5)
    if trusted(absolute) or scale <= 1.0 or not math.isfinite(absolute.error):
        return absolute
    relative = _derivative(phi, 0.5 * scale)
    # A large step can miss an oscillation and still look precise: the relative
    # estimate must also lie near the absolute one (scipy's error estimate can be
    # a few times too small, hence the factor 4).
    near = abs(relative.value - absolute.value) <= 4 * absolute.error + (
        tolerance(relative.value) if tolerance else 0.0
    )
    return relative if trusted(relative) and near else absolute


def _derivative(phi: Callable[[float], float], first_step: float) -> Reference:
    """One scipy.differentiate run.  Not converged to scipy's own tolerance
    (sqrt(eps)) is still usable: the verdict weighs the error estimate."""

    def each(t: np.ndarray) -> np.ndarray:  # derivative() passes arrays of steps
        with np.errstate(all="ignore"):
            values = [phi(float(step)) for step in np.ravel(t)]
        return np.reshape(np.asarray(values, dtype=np.float64), np.shape(t))

    result = derivative(each, 0.0, initial_step=first_step)
    return Reference(float(result.df), float(result.error))


def verdict(got: float, reference: Reference, allowed: float) -> str:
    """AGREE, DISAGREE or INCONCLUSIVE (the rules are in the module docstring)."""
    value, error = reference.value, reference.error
    if not (math.isfinite(value) and math.isfinite(error)) or error > allowed:
        return INCONCLUSIVE
    difference = abs(got - value) if math.isfinite(got) else math.inf
    if difference <= allowed:
        return AGREE
    return DISAGREE if difference > allowed + error else INCONCLUSIVE


def numerical_grad(
    f: Callable[..., Any], args: Sequence[Any], argnum: int, eps: float = 1e-6
) -> np.ndarray:
    """Central finite-difference gradient of scalar ``f`` with respect to ``args[argnum]``
    (step ``eps * max(1, |x_i|)`` for entry i)."""
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
    one when ``wrt`` is an int), as ``adgen.grad(f, wrt)`` does.  Raises
    AssertionError on a mismatch and InconclusiveCheck (an AssertionError)
    where no reference can be trusted (see the module docstring).
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
    inconclusive: list[str] = []
    for argnum, g in zip(argnums, grads, strict=True):
        x = np.asarray(args[argnum])
        if np.shape(g) != x.shape:
            raise AssertionError(
                f"gradient of argument {argnum} has shape {np.shape(g)}, the argument {x.shape}"
            )
        got = np.asarray(g, dtype=np.float64)
        if x.size <= FULL_CHECK_LIMIT:
            x64 = np.asarray(x, dtype=np.float64)
            checks = [
                (
                    f"argument {argnum}" + (f" at {i}" if x.ndim else ""),
                    got[i],
                    _basis(x64, i),
                )
                for i in np.ndindex(x.shape)
            ]
        else:
            checks = []
            for k in range(directions):
                v = rng.standard_normal(x.shape)
                checks.append((f"argument {argnum}, direction {k}", np.sum(got * v), v))
        inconclusive += _check_directions(f, args, argnum, checks, eps, rtol, atol)
    if inconclusive:
        raise InconclusiveCheck(
            "gradient check inconclusive for "
            + "; ".join(inconclusive)
            + " (check at another point)"
        )


def _check_directions(
    f: Callable[..., Any],
    args: Sequence[Any],
    argnum: int,
    checks: list[tuple[str, Any, np.ndarray]],
    eps: float,
    rtol: float,
    atol: float,
) -> list[str]:
    """Compare each (what, derivative along v, v); raise on a mismatch; return the
    inconclusive ones.  The quick difference settles agreement; anything else goes
    to scipy.differentiate."""
    quick = [_central(f, args, argnum, v, eps) for _, _, v in checks]
    finite = [abs(q) for q in quick if math.isfinite(q)]
    scale = max(1.0, *finite) if finite else 1.0
    inconclusive = []
    for (what, got, v), estimate in zip(checks, quick, strict=True):
        got = float(got)
        if abs(got - estimate) <= atol * scale + rtol * abs(estimate):
            continue  # False for inf or nan on either side

        def tolerance(value: float) -> float:
            return atol * scale + rtol * abs(value)

        reference = reference_derivative(
            _along(f, args, argnum, v), _size(args[argnum], v), tolerance
        )
        allowed = tolerance(reference.value)
        outcome = verdict(got, reference, allowed)
        if outcome == DISAGREE:
            raise AssertionError(
                f"gradient mismatch for {what}: abs error {abs(got - reference.value):.3g}; "
                f"adgen {got} vs finite differences {reference.value} "
                f"(error estimate {reference.error:.2g})"
            )
        if outcome == INCONCLUSIVE:
            inconclusive.append(
                f"{what} (adgen {got}): {why_inconclusive(reference, allowed)}"
            )
    return inconclusive


def why_inconclusive(reference: Reference, allowed: float) -> str:
    """The reason, in words, for an INCONCLUSIVE verdict."""
    if not math.isfinite(reference.value):
        return "no finite-difference reference: f is not finite, or not differentiable, around the point"
    if reference.error > allowed:
        return (
            f"the finite-difference reference {reference.value} has an error estimate "
            f"{reference.error:.2g}, above the tolerance {allowed:.2g}"
        )
    return (
        f"the difference from the reference {reference.value} lies within its "
        f"error estimate {reference.error:.2g}"
    )


def _basis(x: np.ndarray, index: tuple[int, ...]) -> np.ndarray:
    e = np.zeros_like(x)
    e[index] = 1.0
    return e


def _along(
    f: Callable[..., Any], args: Sequence[Any], argnum: int, v: np.ndarray
) -> Callable[[float], float]:
    """``t -> f(..., x + t v, ...)`` as a float."""
    x = np.asarray(args[argnum], dtype=np.float64)

    def at(t: float) -> float:
        # fresh copies: a function that updates an input in place must not skew later calls
        moved = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        moved[argnum] = x + t * v if x.ndim else float(x + t * v)
        return float(f(*moved))

    return at


def _size(x: Any, v: np.ndarray) -> float:
    """max(1, |x|) over the entries that ``v`` moves: the scale of a relative step."""
    x = np.asarray(x, dtype=np.float64)
    moved = np.abs(x[np.asarray(v) != 0]) if x.ndim else np.abs(x)
    return max(1.0, float(np.max(moved, initial=0.0)))


def _central(
    f: Callable[..., Any], args: Sequence[Any], argnum: int, v: np.ndarray, eps: float
) -> float:
    """(f(x + h v) - f(x - h v)) / step, h relative to the entries v moves, and
    step the one actually taken (x + h differs from x by a float's spacing)."""
    x = np.asarray(args[argnum], dtype=np.float64)
    h = eps * _size(x, v)
    taken = (x + h * v) - (x - h * v)
    step = float(np.sum(taken * v) / np.sum(np.square(v)))  # 2h, as rounded
    phi = _along(f, args, argnum, v)
    with np.errstate(all="ignore"):
        return (phi(h) - phi(-h)) / step
