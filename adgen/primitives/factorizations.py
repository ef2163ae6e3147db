"""np.linalg factorizations of a symmetric matrix: cholesky, slogdet, eigh.

numpy's ``cholesky`` and ``eigh`` read the lower triangle only: the matrix they
factor is ``tril(A) + tril(A, -1).T``.  So each partial is the symmetric
gradient ``G`` of the textbook formula, then given to the entries numpy reads:
``tril(G) + tril(G, -1)`` (an entry below the diagonal stands for two), zero
above it, as finite differences of numpy's functions see it.

A call that returns a pair, ``np.linalg.slogdet(x)`` and ``np.linalg.eigh(x)``,
is lowered to two nodes (normalize/calls.py, ``PAIRS``): ``sign, logdet =
np.linalg.slogdet(x)`` and ``np.linalg.eigh(x)[0]`` read them.  slogdet's sign
is piecewise constant: data, as np.sign.  eigh's eigenvectors have the
derivative of distinct eigenvalues; where two are equal the vectors are not
unique and the coupling term ``1 / (w_j - w_i)`` is taken as 0.
"""

from __future__ import annotations

from ..expr import E
from .record import Primitive, RuleContext, np, register

linalg = np.linalg
LOWER = {"UPLO": "L"}


def _t(a: E) -> E:
    """a with its last two axes swapped (a stack of matrices too)."""
    return np.swapaxes(a, -1, -2)


def _lower_entries(g: E) -> E:
    """The symmetric gradient g given to the entries numpy reads (the lower triangle)."""
    return np.tril(g) + np.tril(g, -1)


def _symmetric(a: E) -> E:
    """The matrix numpy factors when given ``a``: its lower triangle, mirrored."""
    return np.tril(a) + _t(np.tril(a, -1))


def _phi(a: E) -> E:
    """The lower triangle with the diagonal halved."""
    return np.tril(a) - 0.5 * np.triu(np.tril(a))


def _cholesky(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """S = L^-T phi(L^T g) L^-1 (Murray, 2016), symmetrized."""
    left = linalg.solve(_t(ans), _phi(_t(ans) @ g))
    s = _t(linalg.solve(_t(ans), _t(left)))
    return _lower_entries(0.5 * (s + _t(s)))


def _cholesky_tangent(t: E, ans: E, x: E, ctx: RuleContext) -> E:
    """dL = L phi(L^-1 dA L^-T)."""
    inner = _t(linalg.solve(ans, _t(linalg.solve(ans, _symmetric(t)))))
    return ans @ _phi(inner)


register(
    Primitive(
        "cholesky",
        lambda x: linalg.cholesky(x),
        calls=("numpy.linalg.cholesky",),
        shaped_like="x",
        vjp=(_cholesky,),
        tangent="jvp",
        jvp=(_cholesky_tangent,),
        array_api=None,  # in the linalg extension only
    )
)


# slogdet: log|det A| has the gradient inv(A)^T (det's, divided by det)
register(
    Primitive(
        "slogdet_sign",
        lambda x: linalg.slogdet(x)[0],
        array_api=None,
    )
)
register(
    Primitive(
        "slogdet_logabs",
        lambda x: linalg.slogdet(x)[1],
        vjp=(lambda g, ans, x, ctx: np.expand_dims(g, (-2, -1)) * _t(linalg.inv(x)),),
        tangent="jvp",
        jvp=(lambda t, ans, x, ctx: np.sum(_t(linalg.inv(x)) * t, axis=(-2, -1)),),
        array_api=None,
    )
)


def _vectors(x: E) -> E:
    return linalg.eigh(x)[1]


def _eigh_values(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """V diag(g) V^T."""
    v = _vectors(x)
    return _lower_entries((v * np.expand_dims(g, -2)) @ _t(v))


def _values_tangent(t: E, ans: E, x: E, ctx: RuleContext) -> E:
    """dw_i = v_i^T dA v_i."""
    v = _vectors(x)
    return np.sum(v * (_symmetric(t) @ v), axis=-2)


def _coupling(x: E) -> E:
    """F_ij = 1 / (w_j - w_i), 0 where w_j == w_i (the diagonal)."""
    w = linalg.eigvalsh(x)
    d = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    return d / (d * d + d.eq(0.0))


def _eigh_vectors(g: E, ans: E, x: E, ctx: RuleContext) -> E:
    """V (F * (V^T g)) V^T, symmetrized."""
    b = ans @ (_coupling(x) * (_t(ans) @ g)) @ _t(ans)
    return _lower_entries(0.5 * (b + _t(b)))


def _vectors_tangent(t: E, ans: E, x: E, ctx: RuleContext) -> E:
    """dV = V (F * (V^T dA V))."""
    return ans @ (_coupling(x) * (_t(ans) @ _symmetric(t) @ ans))


def _lower_only(params: dict) -> tuple[str, str] | None:
    if params["UPLO"] != "L":
        return "np.linalg.eigh with UPLO='U' is not supported", "leave UPLO out"
    return None


register(
    Primitive(
        "eigh_values",
        lambda x, UPLO="L": linalg.eigvalsh(x),
        statics=LOWER,
        calls=("numpy.linalg.eigvalsh",),
        vjp=(_eigh_values,),
        tangent="jvp",
        jvp=(_values_tangent,),
        refuse=_lower_only,
        array_api=None,
    )
)
register(
    Primitive(
        "eigh_vectors",
        lambda x, UPLO="L": linalg.eigh(x)[1],
        statics=LOWER,
        shaped_like="x",
        vjp=(_eigh_vectors,),
        tangent="jvp",
        jvp=(_vectors_tangent,),
        refuse=_lower_only,
        array_api=None,
    )
)
# numpy's functions that return a pair: the records of its two parts
PAIRS = {
    "numpy.linalg.slogdet": ("slogdet_sign", "slogdet_logabs"),
    "numpy.linalg.eigh": ("eigh_values", "eigh_vectors"),
}
