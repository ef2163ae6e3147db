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

from ..errors import NonScalarOutput, UndeclaredStructure
from ..like import Container, like_of, tree_leaves, tree_rebuilt
from ..runtime import numpy_floats
from .arrays import basis, block, unwrap, zeros_like
from .cache import compiled
from .parameters import (
    Wrt,
    binder,
    positions,
    signature_of,
    splitter,
    wants_aux,
    wrt_names,
)


def jvp(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., tuple]:
    """``out, out_dot = jvp(f, wrt)(*args, *tangents)``: forward mode, one tangent per
    ``wrt`` parameter (of its shape); ``out_dot`` is the derivative along them.
    With ``has_aux`` (``f`` returns ``(out, aux)``): ``out, out_dot, aux``, as JAX."""
    names, _ = wrt_names(f, wrt)
    aux = wants_aux(f, has_aux)
    params = tuple(signature_of(f).parameters)
    entries: dict[tuple, Callable] = {}
    split = splitter(f, len(names), "tangent")
    # compiled now, for any arguments: a refusal comes here, not at a call; where
    # the arguments would give what it lacks (a dict's keys, a length), at the
    # call, for their structure and shapes (as reverse mode always does)
    try:
        entries[()] = compiled(f, names, "forward", aux)[f"jvp_{f.__name__}"]
        kinds: tuple[type, ...] = (Container,)  # specialized on containers only
    except UndeclaredStructure:
        kinds = (Container, tuple, type)

    def primal_and_tangent(*args_and_tangents: Any, **kwargs: Any) -> tuple:
        args, tangents = split(args_and_tangents, kwargs)
        signature = tuple(
            (p, k)
            for p, k in zip(params, map(like_of, args), strict=False)
            if isinstance(k, kinds)
        )
        forward = entries.get(signature)
        if forward is None:
            namespace = compiled(f, names, "forward", aux, signature=signature)
            forward = entries[signature] = namespace[f"jvp_{f.__name__}"]
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
        trees = [args[p] for p in where]  # a container's leaves one by one
        flat = tuple(leaf for tree in trees for leaf in tree_leaves(tree))
        everywhere = list(range(len(flat)))

        def along(tangents: list[Any]) -> tuple:
            return forward(*args, *_regrouped(trees, tangents))

        grads = [block(np.float32(0), leaf) for leaf in flat]  # arg dtype
        extra = along([zeros_like(leaf) for leaf in flat])[2:] if aux else ()
        for k, index, tangents in basis(flat, everywhere):
            out_dot = along(tangents)[1]
            if np.ndim(out_dot) != 0:
                raise NonScalarOutput(
                    f"`{f.__name__}` returned shape {np.shape(out_dot)}, not a scalar; grad needs a scalar"
                )
            grads[k][index] = out_dot
        result = _regrouped(trees, [unwrap(g) for g in grads])
        result = result[0] if single else tuple(result)
        return (result, *extra) if aux else result

    return gradient


def _regrouped(trees: list[Any], leaves: list[Any]) -> list[Any]:
    """``leaves`` (one per leaf of ``trees``, in order) in the structures of ``trees``."""
    queue = list(leaves)
    return [tree_rebuilt(tree, queue) for tree in trees]
