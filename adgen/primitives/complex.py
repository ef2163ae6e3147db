"""np.real, np.imag, np.conj, np.angle, np.real_if_close: on real arrays.

adgen differentiates real-valued code, and on a real array these are simple:
``real``, ``conj`` (``conjugate``) and ``real_if_close`` return the array
(derivative 1: the adjoint is ``g``, the tangent the tangent); ``imag`` is 0
and ``angle`` is 0 or pi (a negative number's angle), constants of the input,
so they have no rule and their values are data, as np.sign's.  Complex inputs
are outside what adgen differentiates: their gradients would follow none of
the conventions for complex functions (docs/reference/language.md).
"""

from __future__ import annotations

from typing import Any

from ..expr import E
from .record import Primitive, RuleContext, np, register


def _identity(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """On a real array the function returns it: the adjoint is g."""
    return g


def _real_if_close(x: E, tol: Any = 100) -> E:
    return np.real_if_close(x, tol) if tol != 100 else np.real_if_close(x)


def _angle(x: E, deg: bool = False) -> E:
    return np.angle(x, deg) if deg else np.angle(x)


register(
    Primitive(
        "real",
        lambda x: np.real(x),
        elementwise=True,
        calls=("numpy.real",),
        attributes=("real",),
        vjp=(_identity,),
        tangent="linear",
        view=True,
    )
)
register(
    Primitive(
        "conj",
        lambda x: np.conj(x),
        elementwise=True,
        calls=("numpy.conj", "numpy.conjugate"),
        methods=("conj", "conjugate"),
        vjp=(_identity,),
        tangent="linear",
    )
)
register(
    Primitive(
        "real_if_close",
        _real_if_close,
        statics={"tol": 100},
        elementwise=True,
        calls=("numpy.real_if_close",),
        vjp=(_identity,),
        tangent="linear",
        array_api=None,  # not in the standard
        view=True,
    )
)
# constants of a real input: no rule, their values are data
register(
    Primitive(
        "imag",
        lambda x: np.imag(x),
        elementwise=True,
        calls=("numpy.imag",),
        attributes=("imag",),
    )
)
register(
    Primitive(
        "angle",
        _angle,
        statics={"deg": False},
        elementwise=True,
        calls=("numpy.angle",),
        array_api=None,  # not in the standard
    )
)
