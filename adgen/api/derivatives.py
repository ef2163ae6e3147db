"""Jacobians and second derivatives, built on the reverse and forward entry points.

    adgen.jacobian(f, wrt, mode="reverse")(*args)           # out.shape + arg.shape
    adgen.hvp(f, wrt)(*args, *vectors)                      # H · vectors, forward-over-reverse
    adgen.hessian(f, wrt)(*args)                            # arg.shape + arg.shape

``hvp`` compiles ``jvp`` of the gradient code adgen wrote for ``f``
(``higher.py``); ``hessian`` is one ``hvp`` per parameter entry.  As with
``grad``, an int or a name for ``wrt`` gives one result, a tuple gives a tuple
(for ``hessian``, a tuple of rows: ``H[i][j]`` is ∂²f/∂p_i∂p_j).  A tuple or list
of numbers passed as an argument is the array it converts to, as in reverse mode:
its gradient is an ndarray of that shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import BadWrt, NonScalarOutput, NotSupportedYet
from ..runtime import numpy_floats
from .arrays import basis, block, unwrap, zeros_like
from .cache import compiled, compiled_text, gradient_model_of, tangent_model_of
from .forward_mode import jvp
from .parameters import Wrt, binder, positions, splitter, wants_aux, wrt_names
from .reverse_mode import vjp


def jacobian(
    f: Callable, wrt: Wrt | None = None, mode: str = "reverse"
) -> Callable[..., Any]:
    """``jacobian(f, wrt)(*args)``: ∂out/∂arg of shape ``out.shape + arg.shape``.

    ``mode="reverse"``: one pullback per output entry (best for few outputs);
    ``mode="forward"``: one ``jvp`` per parameter entry (best for few inputs).
    """
    names, single = no_aux(f, wrt, "jacobian")
    where = positions(f, names)
    bind = binder(f)
    if mode == "reverse":
        primal_and_pullback = vjp(f, tuple(names))
    elif mode == "forward":
        forward = jvp(f, tuple(names))
    else:
        raise ValueError(f"mode must be 'reverse' or 'forward', not {mode!r}")

    def reverse_jacobian(*args: Any) -> list[np.ndarray]:
        out, pullback = primal_and_pullback(*args)
        blocks = [block(out, args[p]) for p in where]
        for index in np.ndindex(np.shape(out)):
            seed = np.zeros(np.shape(out), np.result_type(out, np.float32))
            seed[index] = 1
            for target, g in zip(blocks, pullback(seed), strict=True):
                target[index] = g
        return blocks

    def forward_jacobian(*args: Any) -> list[np.ndarray]:
        out, _ = forward(*args, *(zeros_like(args[p]) for p in where))
        blocks = [block(out, args[p]) for p in where]
        for k, index, tangents in basis(args, where):
            blocks[k][(..., *index)] = forward(*args, *tangents)[1]
        return blocks

    def jacobian_at(*args: Any, **kwargs: Any) -> Any:
        args = bind(args, kwargs)
        build = reverse_jacobian if mode == "reverse" else forward_jacobian
        blocks = [unwrap(b) for b in build(*args)]
        return blocks[0] if single else tuple(blocks)

    jacobian_at.__name__ = f"jacobian_{f.__name__}"
    return jacobian_at


def hvp(f: Callable, wrt: Wrt | None = None) -> Callable[..., Any]:
    """``hvp(f, wrt)(*args, *vectors)``: the Hessian of scalar ``f`` times the vectors
    (one per ``wrt`` parameter, of its shape), as forward mode of adgen's gradient code.
    """
    names, single = no_aux(f, wrt, "hvp")
    try:
        model = gradient_model_of(f, names)
    except NotSupportedYet:  # a gradient with stacks (loops): reverse-over-forward
        return _hvp_reverse_over_forward(f, names, single)
    emitted = [model.params[p] for p in positions(f, names)]
    namespace = compiled_text(
        model.path, model.text, model.functions, emitted, "forward"
    )
    rows = [namespace[f"jvp_{name}"] for name in model.functions]
    split = splitter(f, len(names), "vector")
    check = _output_check(f, names) if model.checks_scalar else None

    def product(*args_and_vectors: Any, **kwargs: Any) -> Any:
        args, vectors = split(args_and_vectors, kwargs)
        values = numpy_floats(*args, *vectors)
        if check is not None:
            check(*values[: len(args)])
        results = [row(*values)[1] for row in rows]
        return results[0] if single else tuple(results)

    product.__name__ = f"hvp_{f.__name__}"
    return product


def _hvp_reverse_over_forward(
    f: Callable, names: list[str], single: bool
) -> Callable[..., Any]:
    """H·v as the gradient of ``jvp_f``'s tangent output: loops and branches need no
    stacks in forward mode, so that code is read back and differentiated in reverse."""
    model = tangent_model_of(f, names)
    emitted = [model.params[p] for p in positions(f, names)]
    namespace = compiled_text(
        model.path, model.text, model.functions, emitted, "reverse"
    )
    grad = namespace[f"grad_{model.functions[0]}"]
    split = splitter(f, len(names), "vector")

    def product(*args_and_vectors: Any, **kwargs: Any) -> Any:
        args, vectors = split(args_and_vectors, kwargs)
        results = grad(*numpy_floats(*args, *vectors))
        return results[0] if single else tuple(results)

    product.__name__ = f"hvp_{f.__name__}"
    return product


def hessian(f: Callable, wrt: Wrt | None = None) -> Callable[..., Any]:
    """``hessian(f, wrt)(*args)``: second derivatives of scalar ``f``, of shape
    ``arg.shape + arg.shape``; for a tuple ``wrt``, rows ``H[i][j]`` of shape
    ``arg_i.shape + arg_j.shape``. One Hessian-vector product per parameter entry."""
    names, single = no_aux(f, wrt, "hessian")
    where = positions(f, names)
    bind = binder(f)
    product = hvp(f, tuple(names))

    def hessian_at(*args: Any, **kwargs: Any) -> Any:
        args = bind(args, kwargs)
        rows = [[block(args[i], args[j]) for j in where] for i in where]
        for k, index, vectors in basis(args, where):
            for row, hv in zip(rows, product(*args, *vectors), strict=True):
                row[k][(..., *index)] = hv
        rows = [[unwrap(h) for h in row] for row in rows]
        return rows[0][0] if single else tuple(tuple(row) for row in rows)

    hessian_at.__name__ = f"hessian_{f.__name__}"
    return hessian_at


def no_aux(f: Callable, wrt: Wrt | None, what: str) -> tuple[list[str], bool]:
    """``wrt_names``, refusing a function marked ``@adgen.has_aux``."""
    if wants_aux(f, None):
        raise BadWrt(
            f"`{f.__name__}` returns (loss, aux) (@adgen.has_aux): adgen.{what} does not take aux",
            hint="differentiate a function that returns only the value",
        )
    return wrt_names(f, wrt)


def _output_check(f: Callable, names: list[str]) -> Callable[..., None]:
    """Raise NonScalarOutput where ``f``'s output is not a scalar (shapes unknown statically)."""
    forward = compiled(f, names)[f"forward_{f.__name__}"]

    def check(*args: Any) -> None:
        out, _ = forward(*args)
        if np.ndim(out) != 0:
            raise NonScalarOutput(
                f"`{f.__name__}` returned shape {np.shape(out)}, not a scalar; a Hessian needs a scalar"
            )

    return check
