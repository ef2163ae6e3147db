"""The decorators a model file uses: ``@adgen.wrt``, ``@adgen.shapes``, ``@adgen.has_aux``, ``@adgen.defvjp``, ``@adgen.defjvp``.

The compiler reads each of them statically (parse.py, custom.py); at run time
they only record what they were given on the function, so a model file still
runs as plain Python.  The bottom of the API: this module imports nothing of
adgen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

# The decorated function comes back as it went in, so an IDE or a type checker
# still sees its signature: ``@adgen.wrt("w")`` does not turn ``loss`` into ``Callable``.
F = TypeVar("F", bound=Callable[..., Any])


def wrt(*names: str) -> Callable[[F], F]:
    """Declare which parameters to differentiate: ``@adgen.wrt("w1", "b1")``.

    The compiler reads this decorator statically; at run time it only records
    the names, which ``adgen.grad`` uses when no ``wrt`` is given.
    """

    def mark(f: F) -> F:
        f.__adgen_wrt__ = names  # type: ignore[attr-defined]
        return f

    return mark


def has_aux(f: Callable | None = None) -> Callable:
    """Declare that ``f`` returns ``(loss, aux)``: ``@adgen.has_aux``, as JAX's
    ``has_aux=True``.  The gradient is of ``loss``; ``aux`` (any value built from
    the function's numbers and arrays: a tuple, a dict...) is passed through, so
    ``grad_f`` returns ``(gradient, aux)``.  Read statically by the compiler; at run
    time it only marks the function, which ``adgen.grad`` reads when no
    ``has_aux`` is given."""
    if f is None:  # @adgen.has_aux()
        return has_aux

    f.__adgen_has_aux__ = True  # type: ignore[attr-defined]
    return f


def shapes(**dims: str) -> Callable[[F], F]:
    """Declare parameter shapes for the compiler: ``@adgen.shapes(X="batch 784", b="256")``.

    Dimensions are numbers or names; equal names mean equal sizes.  With shapes
    known, adgen writes ``np.sum(g, axis=0)`` and ``X.T @ g`` instead of run-time
    helpers.  A promise, not checked: at run time this decorator does nothing.
    """

    def mark(f: F) -> F:
        f.__adgen_shapes__ = dims  # type: ignore[attr-defined]
        return f

    return mark


def defvjp(function: Callable) -> Callable[[F], F]:
    """Give ``function`` a custom reverse-mode rule::

        @adgen.defvjp(softplus)
        def softplus_vjp(g, ans, x):      # g: the output's adjoint, ans: the output
            return g * scipy.special.expit(x)

    The compiler reads the rule statically (``adgen/custom.py``) and inlines it
    into the generated code; at run time the decorator only records which
    function the rule is for, so the model file still runs as plain Python.
    """

    def register(rule: F) -> F:
        rule.__adgen_defvjp__ = function  # type: ignore[attr-defined]
        return rule

    return register


def defjvp(function: Callable) -> Callable[[F], F]:
    """Give ``function`` a custom forward-mode rule: ``def f_jvp(x_dot, ans, x)``
    (one tangent per operand, the output, the operands) returns the output's tangent.
    Read statically, like ``defvjp``; at run time it only records the function."""

    def register(rule: F) -> F:
        rule.__adgen_defjvp__ = function  # type: ignore[attr-defined]
        return rule

    return register
