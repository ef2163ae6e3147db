"""Forward-mode entry points: ``jvp``, and ``grad``'s forward mode (one ``jvp`` per entry).

    out, out_dot = adgen.jvp(f, wrt)(*args, *tangents)     # J · tangents
    adgen.grad(f, wrt, mode="forward")(*args)               # one jvp per parameter entry

Each compiles ``f``'s ``jvp_f`` once (cache.py) and calls it: the primal and
its tangent in one sweep, no tape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import NonScalarOutput
from ..runtime import numpy_floats
from .arrays import basis, block, unwrap, zeros_like
from .cache import compiled
from .parameters import Wrt, binder, positions, splitter, wants_aux, wrt_names


def jvp(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., tuple]:
    """``out, out_dot = jvp(f, wrt)(*args, *tangents)``: forward mode, one tangent per
    ``wrt`` parameter (of its shape); ``out_dot`` is the derivative along them.
    With ``has_aux`` (``f`` returns ``(out, aux)``): ``out, out_dot, aux``, as JAX."""
    names, _ = wrt_names(f, wrt)
    aux = wants_aux(f, has_aux)
    forward = compiled(f, names, "forward", aux)[f"jvp_{f.__name__}"]
    split = splitter(f, len(names), "tangent")

    def primal_and_tangent(*args_and_tangents: Any, **kwargs: Any) -> tuple:
        args, tangents = split(args_and_tangents, kwargs)
        return forward(*numpy_floats(*args, *tangents))

    primal_and_tangent.__name__ = f"jvp_{f.__name__}"
    return primal_and_tangent


def forward_grad(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., Any]:
    """The gradient of scalar ``f`` by forward mode: one ``jvp`` per parameter entry;
    with ``has_aux``, ``(gradient, aux)``."""
    names, single = wrt_names(f, wrt)
    where = positions(f, names)
    aux = wants_aux(f, has_aux)
    forward = jvp(f, tuple(names), aux)
    bind = binder(f)

    def gradient(*args: Any, **kwargs: Any) -> Any:
        args = bind(args, kwargs)
        grads = [block(np.float32(0), args[p]) for p in where]  # arg dtype
        zero = (zeros_like(args[p]) for p in where)
        extra = forward(*args, *zero)[2:] if aux else ()
        for k, index, tangents in basis(args, where):
            out_dot = forward(*args, *tangents)[1]
            if np.ndim(out_dot) != 0:
                raise NonScalarOutput(
                    f"`{f.__name__}` returned shape {np.shape(out_dot)}, not a scalar; grad needs a scalar"
                )
            grads[k][index] = out_dot
        grads = [unwrap(g) for g in grads]
        result = grads[0] if single else tuple(grads)
        return (result, *extra) if aux else result

    return gradient
