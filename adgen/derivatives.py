"""Forward mode, Jacobians and second derivatives in the runtime API.

    out, out_dot = adgen.jvp(f, wrt)(*args, *tangents)     # forward mode: J · tangents
    adgen.grad(f, wrt, mode="forward")(*args)               # one jvp per parameter entry
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

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .api import (
    Wrt,
    _compiled,
    _wrt_names,
    compiled_text,
    gradient_model_of,
    tangent_model_of,
    vjp,
)
from .errors import NonScalarOutput, NotSupportedYet
from .runtime import numpy_floats


def jvp(f: Callable, wrt: Wrt | None = None) -> Callable[..., tuple[Any, Any]]:
    """``out, out_dot = jvp(f, wrt)(*args, *tangents)``: forward mode, one tangent per
    ``wrt`` parameter (of its shape); ``out_dot`` is the derivative along them."""
    names, _ = _wrt_names(f, wrt)
    forward = _compiled(f, names, "forward")[f"jvp_{f.__name__}"]
    split = _splitter(f, len(names), "tangent")

    def primal_and_tangent(*args_and_tangents: Any) -> tuple[Any, Any]:
        args, tangents = split(args_and_tangents)
        return forward(*numpy_floats(*args, *tangents))

    primal_and_tangent.__name__ = f"jvp_{f.__name__}"
    return primal_and_tangent


def forward_grad(f: Callable, wrt: Wrt | None = None) -> Callable[..., Any]:
    """The gradient of scalar ``f`` by forward mode: one ``jvp`` per parameter entry."""
    names, single = _wrt_names(f, wrt)
    positions = _positions(f, names)
    forward = jvp(f, tuple(names))

    def gradient(*args: Any) -> Any:
        grads = [_block(np.float32(0), args[p]) for p in positions]  # arg dtype
        for k, index, tangents in _basis(args, positions):
            _, out_dot = forward(*args, *tangents)
            if np.ndim(out_dot) != 0:
                raise NonScalarOutput(
                    f"`{f.__name__}` returned shape {np.shape(out_dot)}, not a scalar; grad needs a scalar"
                )
            grads[k][index] = out_dot
        grads = [_unwrap(g) for g in grads]
        return grads[0] if single else tuple(grads)

    return gradient


def jacobian(
    f: Callable, wrt: Wrt | None = None, mode: str = "reverse"
) -> Callable[..., Any]:
    """``jacobian(f, wrt)(*args)``: ∂out/∂arg of shape ``out.shape + arg.shape``.

    ``mode="reverse"``: one pullback per output entry (best for few outputs);
    ``mode="forward"``: one ``jvp`` per parameter entry (best for few inputs).
    """
    names, single = _wrt_names(f, wrt)
    positions = _positions(f, names)
    if mode == "reverse":
        primal_and_pullback = vjp(f, tuple(names))
    elif mode == "forward":
        forward = jvp(f, tuple(names))
    else:
        raise ValueError(f"mode must be 'reverse' or 'forward', not {mode!r}")

    def reverse_jacobian(*args: Any) -> list[np.ndarray]:
        out, pullback = primal_and_pullback(*args)
        blocks = [_block(out, args[p]) for p in positions]
        for index in np.ndindex(np.shape(out)):
            seed = np.zeros(np.shape(out), np.result_type(out, np.float32))
            seed[index] = 1
            for block, g in zip(blocks, pullback(seed), strict=True):
                block[index] = g
        return blocks

    def forward_jacobian(*args: Any) -> list[np.ndarray]:
        out, _ = forward(*args, *(_zeros_like(args[p]) for p in positions))
        blocks = [_block(out, args[p]) for p in positions]
        for k, index, tangents in _basis(args, positions):
            blocks[k][(..., *index)] = forward(*args, *tangents)[1]
        return blocks

    def jacobian_at(*args: Any) -> Any:
        build = reverse_jacobian if mode == "reverse" else forward_jacobian
        blocks = [_unwrap(b) for b in build(*args)]
        return blocks[0] if single else tuple(blocks)

    jacobian_at.__name__ = f"jacobian_{f.__name__}"
    return jacobian_at


def hvp(f: Callable, wrt: Wrt | None = None) -> Callable[..., Any]:
    """``hvp(f, wrt)(*args, *vectors)``: the Hessian of scalar ``f`` times the vectors
    (one per ``wrt`` parameter, of its shape), as forward mode of adgen's gradient code.
    """
    names, single = _wrt_names(f, wrt)
    try:
        model = gradient_model_of(f, names)
    except NotSupportedYet:  # a gradient with stacks (loops): reverse-over-forward
        return _hvp_reverse_over_forward(f, names, single)
    emitted = [model.params[p] for p in _positions(f, names)]
    namespace = compiled_text(
        model.path, model.text, model.functions, emitted, "forward"
    )
    rows = [namespace[f"jvp_{name}"] for name in model.functions]
    split = _splitter(f, len(names), "vector")
    check = _output_check(f, names) if model.checks_scalar else None

    def product(*args_and_vectors: Any) -> Any:
        args, vectors = split(args_and_vectors)
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
    emitted = [model.params[p] for p in _positions(f, names)]
    namespace = compiled_text(
        model.path, model.text, model.functions, emitted, "reverse"
    )
    grad = namespace[f"grad_{model.functions[0]}"]
    split = _splitter(f, len(names), "vector")

    def product(*args_and_vectors: Any) -> Any:
        args, vectors = split(args_and_vectors)
        results = grad(*numpy_floats(*args, *vectors))
        return results[0] if single else tuple(results)

    product.__name__ = f"hvp_{f.__name__}"
    return product


def hessian(f: Callable, wrt: Wrt | None = None) -> Callable[..., Any]:
    """``hessian(f, wrt)(*args)``: second derivatives of scalar ``f``, of shape
    ``arg.shape + arg.shape``; for a tuple ``wrt``, rows ``H[i][j]`` of shape
    ``arg_i.shape + arg_j.shape``. One Hessian-vector product per parameter entry."""
    names, single = _wrt_names(f, wrt)
    positions = _positions(f, names)
    product = hvp(f, tuple(names))

    def hessian_at(*args: Any) -> Any:
        rows = [[_block(args[i], args[j]) for j in positions] for i in positions]
        for k, index, vectors in _basis(args, positions):
            for row, hv in zip(rows, product(*args, *vectors), strict=True):
                row[k][(..., *index)] = hv
        rows = [[_unwrap(h) for h in row] for row in rows]
        return rows[0][0] if single else tuple(tuple(row) for row in rows)

    hessian_at.__name__ = f"hessian_{f.__name__}"
    return hessian_at


# --- helpers -----------------------------------------------------------------
def _positions(f: Callable, names: list[str]) -> list[int]:
    params = list(inspect.signature(f).parameters)
    return [params.index(n) for n in names]


def _splitter(
    f: Callable, count: int, what: str
) -> Callable[[tuple], tuple[tuple, tuple]]:
    """Split ``(*args, *extra)``: ``f``'s arguments, then ``count`` tangents or vectors."""
    n = len(inspect.signature(f).parameters)

    def split(values: tuple) -> tuple[tuple, tuple]:
        if len(values) != n + count:
            raise TypeError(
                f"expected {n} arguments of `{f.__name__}` and then {count} {what}(s), got {len(values)} values"
            )
        return values[:n], values[n:]

    return split


def _basis(
    args: tuple, positions: list[int]
) -> Iterator[tuple[int, tuple[int, ...], list[Any]]]:
    """(k, index, tangents): a 1 at ``index`` of the k-th parameter, zeros elsewhere."""
    for k, p in enumerate(positions):
        for index in np.ndindex(np.shape(args[p])):
            tangents = [_zeros_like(args[q]) for q in positions]
            if np.ndim(args[p]) == 0:
                tangents[k] = 1.0
            else:
                tangents[k][index] = 1
            yield k, index, tangents


def _zeros_like(value: Any) -> Any:
    """A zero tangent for ``value``: 0.0 for a scalar, else a float array of its shape.
    A tuple or list of numbers counts as the array it converts to, as in reverse mode
    (np.result_type would read a tuple as a dtype description)."""
    if np.ndim(value) == 0:
        return 0.0
    return np.zeros(np.shape(value), np.result_type(np.asarray(value), np.float32))


def _block(out: Any, arg: Any) -> np.ndarray:
    """Zeros of shape ``out.shape + arg.shape``: ∂out/∂arg."""
    dtype = np.result_type(np.asarray(out).dtype, np.asarray(arg).dtype, np.float32)
    return np.zeros(np.shape(out) + np.shape(arg), dtype)


def _unwrap(value: Any) -> Any:
    """A 0-d array as its scalar (a derivative of a scalar by a scalar is a number)."""
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


def _output_check(f: Callable, names: list[str]) -> Callable[..., None]:
    """Raise NonScalarOutput where ``f``'s output is not a scalar (shapes unknown statically)."""
    forward = _compiled(f, names)[f"forward_{f.__name__}"]

    def check(*args: Any) -> None:
        out, _ = forward(*args)
        if np.ndim(out) != 0:
            raise NonScalarOutput(
                f"`{f.__name__}` returned shape {np.shape(out)}, not a scalar; a Hessian needs a scalar"
            )

    return check
