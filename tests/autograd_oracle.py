"""autograd as a second, independent oracle for the fuzzer (``test_fuzz.py``).

The generated *source model* (the test's own program, never adgen's output) is
executed with ``np`` bound to ``autograd.numpy``, ``math`` to the same functions
of ``autograd.numpy``, and ``expit``/``logsumexp`` to ``autograd.scipy.special``;
autograd then traces it and differentiates it by its own rules.  Nothing of
adgen is involved.

A program autograd cannot trace (``//``, ``np.clip`` with active bounds,
``axis=None`` concatenation, ...) raises while tracing: it is *untraceable* for
this oracle only, and the reason is returned so that the property can count it
and assert that the oracle ran on a meaningful fraction of the programs.
"""

from __future__ import annotations

import ast
import math
import types
import warnings

import numpy as np

try:
    import autograd
    import autograd.numpy as anp
    import autograd.scipy.special as asp
except ImportError:  # a test-only dependency: the `test` extra installs it
    autograd = None


class _CheckedAddAt:
    """``np.add`` whose ``at`` first checks that the value broadcasts to the indexed
    part: numpy 2.4's ``np.add.at(np.zeros((3, 1)), (slice(None), -1),
    np.ones((2, 1, 3)))`` kills the process (SIGSEGV) where it should raise
    ValueError, and autograd's indexing rule makes that call on some programs (its
    ``np.where`` rule leaves an adjoint broadcast).  Raised, it is a program
    autograd cannot trace, as the other such ValueErrors are."""

    def at(self, target, index, value):
        part = np.shape(target[index])
        if np.broadcast_shapes(np.shape(value), part) != part:
            raise ValueError("array is not broadcastable to correct shape")
        return np.add.at(target, index, value)

    def __getattr__(self, name):
        return getattr(np.add, name)


class _NumpyWithCheckedAddAt:
    """numpy, but ``add`` is ``_CheckedAddAt``: for autograd's ``numpy_vjps``."""

    add = _CheckedAddAt()

    def __getattr__(self, name):
        return getattr(np, name)


if autograd is not None:
    import autograd.numpy.numpy_vjps as _vjps

    _vjps.onp = _NumpyWithCheckedAddAt()

RTOL = 1e-7  # adgen vs autograd: two float64 chains of the same derivative,
ATOL = 1e-9  # ... times max(1, the parameter's largest gradient entry)


def _math_module() -> types.SimpleNamespace:
    """``math`` as the program uses it, spelled in autograd.numpy (math.sin of a
    box raises: the box must stay traced)."""
    same = [
        "sin",
        "cos",
        "tan",
        "tanh",
        "exp",
        "sinh",
        "cosh",
        "expm1",
        "log",
        "sqrt",
        "log1p",
        "log2",
        "log10",
    ]
    fns = {name: getattr(anp, name) for name in same}
    fns |= {"atan": anp.arctan, "asin": anp.arcsin, "acos": anp.arccos}
    fns |= {"fabs": anp.abs, "pow": anp.power, "pi": math.pi, "e": math.e}
    return types.SimpleNamespace(**fns)


SPECIAL = (
    "expit",
    "logsumexp",
    "erf",
    "erfc",
    "gammaln",
    "digamma",
    "polygamma",
    "logit",
)
BOUND_BY_ORACLE = {"np", "math", *SPECIAL}


class _DropImports(ast.NodeTransformer):
    """Remove the imports of what the oracle binds itself (numpy, math, scipy)."""

    def visit_Import(self, node):
        keep = [a for a in node.names if (a.asname or a.name) not in BOUND_BY_ORACLE]
        return ast.Import(keep) if keep else None

    def visit_ImportFrom(self, node):
        keep = [a for a in node.names if (a.asname or a.name) not in BOUND_BY_ORACLE]
        return ast.ImportFrom(node.module, keep, node.level) if keep else None


def traced_namespace(text: str) -> dict:
    """The module ``text`` run with its numpy calls going to autograd.numpy."""
    tree = ast.fix_missing_locations(_DropImports().visit(ast.parse(text)))
    namespace: dict = {
        "__name__": "fuzz_autograd",
        "np": anp,
        "math": _math_module(),
        **{name: getattr(asp, name) for name in SPECIAL},
    }
    exec(compile(tree, "fuzz_autograd.py", "exec"), namespace)
    return namespace


def traced_function(text: str):
    """The program's ``f``, its numpy calls going to autograd.numpy."""
    return traced_namespace(text)["f"]


def autograd_gradients(text: str, args: list, wrt: list[int]) -> tuple | str:
    """The gradient of ``f`` with respect to the arguments at the ``wrt`` positions,
    by autograd; or, if autograd cannot trace the program, why (a short string)."""
    if autograd is None:
        return "autograd is not installed"
    f = traced_function(text)

    def of_active(active):
        full = list(args)
        for k, a in zip(wrt, active, strict=True):
            full[k] = a
        return f(*full)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "output seems independent of input"
        try:
            return tuple(autograd.grad(of_active)(tuple(args[k] for k in wrt)))
        except Exception as error:  # any failure to trace
            return f"{type(error).__name__}: {str(error).splitlines()[0][:60]}"


def agrees(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Entrywise: equal up to rounding, or the same inf, or both nan."""
    finite = np.isfinite(expected)
    scale = max(1.0, float(np.max(np.abs(expected[finite]), initial=0.0)))
    with np.errstate(invalid="ignore"):
        close = np.abs(got - expected) <= RTOL * np.abs(expected) + ATOL * scale
    return np.where(
        finite, close, (got == expected) | (np.isnan(got) & np.isnan(expected))
    )


def disagreement(got, expected) -> str | None:
    """None if adgen's gradient ``got`` matches autograd's ``expected`` up to
    rounding (entries where both are the same inf, or both nan, agree)."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return f"shape {got.shape}, autograd {expected.shape}"
    same = agrees(got, expected)
    if np.all(same):
        return None
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmin(same)), same.shape))
    return (
        f"adgen {got[worst]!r} vs autograd {expected[worst]!r} at {worst} "
        f"(adgen {np.array2string(got, precision=6)}, "
        f"autograd {np.array2string(expected, precision=6)})"
    )
