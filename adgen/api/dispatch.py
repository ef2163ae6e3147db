"""``adgen.grad``: the top of the API, dispatching on ``mode`` to reverse or forward mode.

A gradient it makes remembers what it is the gradient of, so it can be
differentiated again: ``grad(grad(f))``, ``jvp(grad(f))``, ``hessian``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .forward_mode import forward_grad
from .parameters import Wrt, signature_of, wants_aux, wrt_names
from .reverse_mode import reverse_grad


def grad(
    f: Callable,
    wrt: Wrt | None = None,
    mode: str = "reverse",
    has_aux: bool | None = None,
) -> Callable[..., Any]:
    """``grad(f)(*args)``: the gradient of scalar-valued ``f`` (default: first parameter).

    ``mode="forward"`` computes it with one forward-mode sweep per entry of the
    parameters instead of one reverse sweep (same values; slower for many entries).
    The result can be differentiated again: ``grad(grad(f))``, ``jvp(grad(f))``.
    With ``has_aux=True`` (or ``@adgen.has_aux``), ``f`` returns ``(loss, aux)`` and
    the result is ``(gradient, aux)``, as JAX's.
    """
    if mode == "forward":
        gradient = forward_grad(f, wrt, has_aux)
    elif mode == "reverse":
        gradient = reverse_grad(f, wrt, has_aux)
    else:
        raise ValueError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    gradient.__name__ = f"grad_{f.__name__}"
    gradient.__signature__ = signature_of(f)  # type: ignore[attr-defined]
    if wants_aux(f, has_aux):  # (gradient, aux) is not a function to differentiate
        gradient.__adgen_aux_gradient_of__ = f  # type: ignore[attr-defined]
    else:
        gradient.__adgen_gradient_of__ = (f, wrt_names(f, wrt)[0])  # type: ignore[attr-defined]
    return gradient
