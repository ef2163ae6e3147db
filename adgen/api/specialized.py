"""The runtime API's compiled modules for one function, one per kind of arguments.

``adgen.grad(f)(2.0, 5.0)`` runs the code adgen writes for ``f`` when its
parameters are declared ``float`` (the float path: ``math``, no unbroadcast);
``adgen.grad(f)(X, W)`` with arrays the code ``@adgen.shapes`` with their shapes
would give (``X.T @ g``, ``g.sum(axis=0)``).  The kind of each argument is
``like.like_of``'s: a Python float or int, an array's shape, or nothing known
(a list, a container: generic code).  A new shape compiles again, as
``jax.jit`` traces again.  The generic module is compiled when ``adgen.grad(f)``
is made, so a model adgen refuses is refused there (unless only the arguments
can tell, a container's structure: then at the first call); what adgen
refuses of the code for a kind of arguments (a loop over a dict's keys) is
refused at the call that passes them.  A
gradient ``adgen.grad`` made, read back from gradient code, is not specialized.
Between cache.py (below) and reverse_mode.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import NonScalarOutput, UndeclaredStructure
from ..like import like_of
from ..runtime import numpy_floats
from .cache import NEEDS_NUMPY_FLOATS, compiled, gradient_model_of
from .parameters import signature_of

# a module's fused function (grad_f or value_and_grad_f), numpy_floats where its
# Python floats must become numpy's, and its forward sweep
Entry = tuple[Callable, Callable | None, Callable]
_NUMBERS = (float, int)


class Specialized:
    """``f``'s fused ``role`` function (``grad`` or ``value_and_grad``), per kind
    of arguments.  ``by_types`` maps the types of arguments that are all Python
    numbers to their module's fused function, where it takes them as they are,
    and those of numbers and numpy arrays to a dict from the arrays' shapes to
    it: the caller's fast path (reverse_mode.py)."""

    def __init__(self, f: Callable, names: list[str], role: str, aux: bool) -> None:
        self.f, self.names, self.role, self.aux = f, names, role, aux
        self.params = tuple(signature_of(f).parameters)
        self.specializes = not hasattr(f, "__adgen_gradient_of__")
        self.generic: Entry | None = None
        try:
            self.generic = self.compile(())
        except UndeclaredStructure as error:  # a container: its arguments say
            if not self.specializes:
                raise
            self.undeclared = error
        self.by_kinds: dict[tuple, Entry] = {}
        self.by_types: dict[tuple, Entry] = {}

    def entry(self, args: tuple) -> Entry:
        """The entry for ``args``, compiled at the first call with their kind."""
        if not self.specializes:
            return self.generic  # type: ignore[return-value]
        kinds = tuple(map(like_of, args))
        found = self.by_kinds.get(kinds)
        if found is None:
            found = self.by_kinds[kinds] = self.specialized(kinds)
            if found[1] is None:  # the module takes the arguments as they are
                self._remember(args, kinds, found[0])
        return found

    def _remember(self, args: tuple, kinds: tuple, fused: Callable) -> None:
        """``fused`` in ``by_types``, for the caller's fast path: under the types
        of numbers, or under the types and then the shapes where arrays are
        among them (numpy arrays only: another library's may share a shape)."""
        types = tuple(map(type, args))
        if all(k in _NUMBERS for k in kinds):
            self.by_types[types] = fused
        elif all(t is np.ndarray or t in _NUMBERS for t in types):
            shapes = tuple(getattr(a, "shape", None) for a in args)
            self.by_types.setdefault(types, {})[shapes] = fused

    def specialized(self, kinds: tuple) -> Entry:
        signature = tuple(
            (p, k) for p, k in zip(self.params, kinds, strict=False) if k is not None
        )
        if signature or self.generic is None:  # a container: only arguments say
            return self.compile(signature)
        return self.generic

    def compile(self, signature: tuple) -> Entry:
        namespace = compiled(self.f, self.names, has_aux=self.aux, signature=signature)
        name = self.f.__name__
        forward = namespace[f"forward_{name}"]
        fused = namespace.get(f"{self.role}_{name}")
        if fused is None:  # no fused function: the output is known not to be a scalar
            fused = self._refusing(forward)
        if not self.specializes:  # a gradient read back: check what it differentiates
            fused = _checked(_scalar_check(self.f), fused)
        floats = numpy_floats if namespace[NEEDS_NUMPY_FLOATS] else None
        return fused, floats, forward

    def refuse_non_scalar(self, forward: Callable, args: tuple) -> None:
        """NonScalarOutput if ``f``'s output at ``args`` is not a scalar (where the
        fused function raised a ValueError: its scalar check, or the model's own)."""
        value = forward(*numpy_floats(*args))[0]
        refuse_non_scalar(self.f, value[0] if self.aux else value)

    def _refusing(self, forward: Callable) -> Callable:
        def refuse(*args: Any) -> Any:
            self.refuse_non_scalar(forward, args)
            raise AssertionError("unreachable: the output is not a scalar")

        return refuse


def refuse_non_scalar(f: Callable, out: Any) -> None:
    if np.ndim(out) != 0:
        raise NonScalarOutput(
            f"`{f.__name__}` returned shape {np.shape(out)}, not a scalar; grad needs a scalar"
        ) from None


def _checked(check: Callable[..., None], fused: Callable) -> Callable:
    def call(*args: Any) -> Any:
        check(*args)
        return fused(*args)

    return call


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
        refuse_non_scalar(inner, out)

    return check
