"""Reverse-mode entry points: ``value_and_grad``, ``vjp``, and ``grad``'s reverse sweep.

    value, gradient = adgen.value_and_grad(f, wrt)(*args)
    out, pullback = adgen.vjp(f, wrt)(*args); pullback(out_bar)

``value_and_grad`` and ``grad`` compile ``f`` once (cache.py) and call the
fused ``value_and_grad_f`` / ``grad_f`` (no tape; Python floats take the float
path); ``vjp`` calls ``forward_f``, which records the tape, and ``backward_f``
with the caller's seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import AdgenError, NonScalarOutput
from ..like import like_of
from ..runtime import numpy_floats
from .cache import NEEDS_NUMPY_FLOATS, compiled, gradient_model_of, source_text
from .parameters import Wrt, binder, signature_of, wants_aux, wrt_names
from .targets import NUMPY, array_api_value_and_grad, target_of


def reverse_grad(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., Any]:
    """The gradient of scalar ``f`` by one reverse sweep (``adgen.grad``'s default
    mode): the generated ``grad_f``, both sweeps fused; with ``has_aux``,
    ``(gradient, aux)``."""
    return _fused(f, wrt, "grad", has_aux)


def value_and_grad(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., tuple[Any, Any]]:
    """``value_and_grad(f)(*args) -> (f(*args), gradient)``: the generated
    ``value_and_grad_f``, both sweeps fused; with ``has_aux`` (``f`` returns
    ``(loss, aux)``), ``((loss, aux), gradient)``, as JAX."""
    return _fused(f, wrt, "value_and_grad", has_aux)


# a compiled module's fused function, its forward sweep, and numpy_floats where
# its Python floats must become numpy's
Entry = tuple[Callable, Callable, Callable | None]


def _fused(
    f: Callable, wrt: Wrt | None, role: str, has_aux: bool | None
) -> Callable[..., Any]:
    """A call of the fused ``grad_f`` or ``value_and_grad_f``, compiled for the
    kind of arguments it gets (``_Specialized``).  Python floats are passed as
    they are, to the float path, unless the module raises a float to a power
    Python would make complex (numpy_floats)."""
    names, single = wrt_names(f, wrt)
    aux = wants_aux(f, has_aux)
    specialized = _Specialized(f, names, role, aux)
    grad_only = role == "grad"
    bind = binder(f)
    by_library = array_api_value_and_grad(f, lambda: source_text(f), names, single, aux)

    def call(*args: Any, **kwargs: Any) -> Any:  # each test here costs ~20 ns
        args = bind(args, kwargs)
        if target_of(args) != NUMPY:  # torch, CuPy, dask...: the array-API code
            value, grads = by_library(*args)
            if not grad_only:
                return value, grads
            return (grads, value[1]) if aux else grads
        result = specialized(args)
        if not single:  # a tuple of gradients, as the generated code returns it
            return result
        if grad_only:  # grad_f: (gradients, aux) with aux, else gradients
            return (result[0][0], result[1]) if aux else result[0]
        return result[0], result[1][0]

    return call


class _Specialized:
    """``f``'s fused function, compiled per signature of its arguments: a Python
    float as ``x: float`` (the float path), an array's shape as ``@adgen.shapes``
    (``X.T @ g``, no sums back to shapes that are known), as an annotated model
    gets; anything else (a list, a container) generic.  A new shape compiles
    again, as ``jax.jit`` traces again.  The generic module is compiled at once,
    so a model adgen refuses is refused where ``adgen.grad(f)`` is written; a
    signature whose module adgen cannot compile (a declaration the arguments
    contradict) runs the generic one.  A gradient ``adgen.grad`` made (read back
    from gradient code) is not specialized."""

    def __init__(self, f: Callable, names: list[str], role: str, aux: bool) -> None:
        self.f, self.names, self.role, self.aux = f, names, role, aux
        self.params = tuple(signature_of(f).parameters)
        self.specializes = not hasattr(f, "__adgen_gradient_of__")
        self.check = None if self.specializes else _scalar_check(f)
        self.generic = self.compile(())
        self.entries: dict[tuple, Entry] = {}

    def __call__(self, args: tuple) -> Any:
        entry = self.generic
        if self.specializes:
            kinds = tuple(map(like_of, args))
            entry = self.entries.get(kinds)
            if entry is None:
                entry = self.entries[kinds] = self.specialized(kinds)
        fused, forward, floats = entry
        if self.check is not None:
            self.check(*args)
        if floats is not None:
            args = floats(*args)
        try:
            return fused(*args)
        except ValueError:  # the emitted scalar check, or the model's own error
            value = forward(*numpy_floats(*args))[0]
            _refuse_non_scalar(self.f, value[0] if self.aux else value)
            raise

    def specialized(self, kinds: tuple) -> Entry:
        signature = tuple(
            (p, k) for p, k in zip(self.params, kinds, strict=False) if k is not None
        )
        if not signature:
            return self.generic
        try:
            return self.compile(signature)
        except AdgenError:
            return self.generic

    def compile(self, signature: tuple) -> Entry:
        namespace = compiled(self.f, self.names, has_aux=self.aux, signature=signature)
        name = self.f.__name__
        floats = numpy_floats if namespace[NEEDS_NUMPY_FLOATS] else None
        forward = namespace[f"forward_{name}"]
        fused = namespace.get(f"{self.role}_{name}")
        if fused is None:  # no fused function: the output is known not to be a scalar
            fused = self.refusal(forward)
        return fused, forward, floats

    def refusal(self, forward: Callable) -> Callable:
        def refuse(*args: Any) -> Any:
            value = forward(*numpy_floats(*args))[0]
            _refuse_non_scalar(self.f, value[0] if self.aux else value)
            raise AssertionError("unreachable: the output is not a scalar")

        return refuse


def _refuse_non_scalar(f: Callable, out: Any) -> None:
    if np.ndim(out) != 0:
        raise NonScalarOutput(
            f"`{f.__name__}` returned shape {np.shape(out)}, not a scalar; grad needs a scalar"
        ) from None


def unit_seed(out: Any) -> Any:
    """The seed 1 in the output's float type (``np.float32(1.0)``): with the Python
    float 1.0, a gradient that is a constant, d(-x)/dx = -1.0, would be a Python
    float for a 0-d float32 ``x``."""
    dtype = np.result_type(out)
    return dtype.type(1.0) if dtype.kind == "f" else 1.0


def vjp(
    f: Callable, wrt: Wrt | None = None, has_aux: bool | None = None
) -> Callable[..., tuple]:
    """``out, pullback = vjp(f)(*args)``; ``pullback(out_bar)`` gives the adjoints.
    With ``has_aux``: ``out, pullback, aux = vjp(f, has_aux=True)(*args)``, as JAX."""
    names, single = wrt_names(f, wrt)
    aux = wants_aux(f, has_aux)
    namespace = compiled(f, names, has_aux=aux)
    forward, backward = (
        namespace[f"forward_{f.__name__}"],
        namespace[f"backward_{f.__name__}"],
    )

    bind = binder(f)

    def primal_and_pullback(*args: Any, **kwargs: Any) -> tuple:
        args = bind(args, kwargs)
        value, tape = forward(*numpy_floats(*args))
        out = value[0] if aux else value

        def pullback(out_bar: Any) -> Any:
            if np.shape(out_bar) != np.shape(out):
                raise ValueError(
                    f"the seed has shape {np.shape(out_bar)}; the output has shape {np.shape(out)}"
                )
            grads = backward(tape, out_bar)
            return grads[0] if single else grads

        return (out, pullback, value[1]) if aux else (out, pullback)

    return primal_and_pullback


def _scalar_check(f: Callable) -> Callable[..., None]:
    """For a gradient ``adgen.grad`` made: a check that the function it differentiates
    returns a scalar (its gradient code checked that; the code read back does not)."""
    of = getattr(f, "__adgen_gradient_of__", None)
    if of is None:
        return lambda *args: None
    inner, names = of
    inner_check = _scalar_check(inner)
    if not gradient_model_of(inner, names).checks_scalar:
        return inner_check  # the output is a scalar by its declared shapes
    forward = compiled(inner, names)[f"forward_{inner.__name__}"]

    def check(*args: Any) -> None:
        inner_check(*args)
        out, _ = forward(*numpy_floats(*args))
        if np.ndim(out) != 0:
            raise NonScalarOutput(
                f"`{inner.__name__}` returned shape {np.shape(out)}, not a scalar; grad needs a scalar"
            )

    return check
