"""Which parameters of a function to differentiate, and where they sit among its arguments.

``wrt`` follows autograd and JAX: an int or a parameter name gives one
gradient; a tuple gives a tuple of gradients, in the order asked; none given
means the names of ``@adgen.wrt``, else the first parameter.  A bottom layer
of the API: it reads only the function's signature.
"""

from __future__ import annotations

import contextlib
import inspect
import weakref
from collections.abc import Callable, Sequence

from ..errors import BadWrt

Wrt = int | str | Sequence[int | str]

# inspect.signature takes tens of microseconds: adgen.grad(f)(x) in a loop asked
# for it three times a call
_SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def signature_of(f: Callable) -> inspect.Signature:
    """``inspect.signature(f)``, remembered per function object."""
    try:
        return _SIGNATURES[f]
    except (KeyError, TypeError):  # not seen, or not weakly referable
        signature = inspect.signature(f)
    with contextlib.suppress(TypeError):
        _SIGNATURES[f] = signature
    return signature


def wrt_names(f: Callable, wrt: Wrt | None) -> tuple[list[str], bool]:
    """Parameter names to differentiate, and whether one gradient (not a tuple) is wanted."""
    params = list(signature_of(f).parameters)
    if wrt is None:
        declared = getattr(
            f, "__adgen_wrt__", None
        )  # @adgen.wrt("w") gives one gradient, ("w", "b") a tuple
        wrt = (
            (declared[0] if len(declared) == 1 else tuple(declared)) if declared else 0
        )
    single = isinstance(wrt, (int, str))
    items = [wrt] if single else list(wrt)  # type: ignore[list-item]
    names = []
    for item in items:
        if isinstance(item, int) and -len(params) <= item < len(params):
            names.append(params[item])
        elif isinstance(item, str) and item in params:
            names.append(item)
        else:
            raise BadWrt(
                f"`{f.__name__}` has no parameter {item!r} (parameters: {', '.join(params)})"
            )
    return names, single


def wants_aux(f: Callable, has_aux: bool | None) -> bool:
    """Whether ``f`` returns ``(loss, aux)``: ``has_aux=True``, or ``@adgen.has_aux``
    (which the compiler reads too, so it cannot be turned off at the call)."""
    return bool(has_aux) or getattr(f, "__adgen_has_aux__", False)


def positions(f: Callable, names: list[str]) -> list[int]:
    """Where each of ``names`` is among ``f``'s parameters."""
    params = list(signature_of(f).parameters)
    return [params.index(n) for n in names]


def binder(f: Callable) -> Callable[[tuple, dict], tuple]:
    """``bind(args, kwargs)``: every argument of ``f`` by position, keywords placed
    and defaults filled in, as a call to ``f`` binds them (Python's TypeError where
    ``f`` would raise one)."""
    signature = signature_of(f)
    count = len(signature.parameters)

    def bind(args: tuple, kwargs: dict) -> tuple:
        if not kwargs and len(args) == count:  # the common case, at no cost
            return args
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return bound.args

    return bind


def splitter(
    f: Callable, count: int, what: str
) -> Callable[[tuple, dict], tuple[tuple, tuple]]:
    """Split ``(*args, *extra)``: ``f``'s arguments (keywords and defaults bound, as
    ``binder``), then the last ``count`` positional values, tangents or vectors."""
    bind = binder(f)
    parameters = signature_of(f).parameters.values()
    required = sum(p.default is inspect.Parameter.empty for p in parameters)
    n = len(parameters)
    arguments = f"{n} arguments" if required == n else f"{required} to {n} arguments"
    expected = f"expected {arguments} of `{f.__name__}` and then {count} {what}(s)"

    def split(values: tuple, kwargs: dict) -> tuple[tuple, tuple]:
        cut = len(values) - count
        try:
            if cut < 0:
                raise TypeError(f"got {len(values)} values")
            return bind(values[:cut], kwargs), values[cut:]
        except TypeError as error:
            raise TypeError(f"{expected}: {error}") from None

    return split
