"""The speed respellings: each gives the value of the spelling it replaces.

``np.vdot`` for a sum of products of equal known shapes and ``g.sum()`` for
the full sum of a computed array (adgen/specialize.py), ``del`` of matrices at
their last use in grad_f (adgen/liveness.py),
and the runtime ``logsumexp`` that emitted code calls instead of scipy's.
Gradients are checked against central finite differences; the logsumexp
helper against scipy itself, edge cases (inf, nan, float32) included.
"""

from __future__ import annotations

import math
import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import scipy.special

import adgen
from adgen.runtime import logsumexp

SCALAR_STYLE = """
import numpy as np
from adgen import shapes

@shapes(x="n", t="n")
def loss(x, t, w: float, b: float):
    return np.mean((w * x + b - t) ** 2)
"""

UNKNOWN_SHAPES = """
import numpy as np

def loss(x, w):
    return np.sum(w * x)
"""


def central(f, args, i, h=1e-6):
    up, down = list(args), list(args)
    up[i], down[i] = args[i] + h, args[i] - h
    return (f(*up) - f(*down)) / (2 * h)


def test_sum_of_products_of_one_known_shape_is_a_dot(compile_text):
    m = compile_text(SCALAR_STYLE)
    assert "w_bar = np.vdot(" in m.__source__
    assert "b_bar = n6_bar.sum()" in m.__source__
    x, t = np.linspace(-1, 1, 7), np.cos(np.arange(7.0))
    args = (x, t, 0.7, -0.2)

    def loss(x, t, w, b):
        return np.mean((w * x + b - t) ** 2)

    w_bar, b_bar = m.grad_loss(*args)[2:]
    assert w_bar == pytest.approx(central(loss, args, 2), rel=1e-7)
    assert b_bar == pytest.approx(central(loss, args, 3), rel=1e-7)


def test_no_dot_where_operands_could_broadcast(compile_text):
    m = compile_text(UNKNOWN_SHAPES, functions=["loss"], wrt=["w"])
    assert "vdot" not in m.__source__ and ".sum()" not in m.__source__
    # w a scalar against an array x: the sum of products, not a dot of unequal sizes
    (w_bar,) = m.grad_loss(np.arange(3.0), 2.0)
    assert w_bar == pytest.approx(3.0)


CASES = [
    np.array([1.0, 2.0]),
    np.float32([1, 2, 3]),
    np.random.default_rng(0).standard_normal((4, 5, 3)),
    np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32),
    np.array([[-np.inf, -np.inf], [1.0, 2.0]]),
    np.array([[np.inf, -np.inf], [np.nan, 2.0]]),
    np.array([[np.inf, 1.0], [-1.0, 700.0]]),
    np.zeros((0, 3)),
    np.array(3.0),
]


AXES = [None, 0, -1, (0, -1)]  # a 0-d array has only axis=None


@pytest.mark.parametrize(
    "x, axis",
    [(x, a) for x in CASES for a in AXES if x.ndim or a is None],
    ids=[f"{i}-{a}" for i, x in enumerate(CASES) for a in AXES if x.ndim or a is None],
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_runtime_logsumexp_is_scipys(x, axis, keepdims):
    try:
        expected = scipy.special.logsumexp(x, axis=axis, keepdims=keepdims)
    except Exception as refused:  # scipy refuses an empty array without an axis
        with pytest.raises(type(refused)):
            logsumexp(x, axis=axis, keepdims=keepdims)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scipy is silent about rows of -inf: so is this
        got = logsumexp(x, axis=axis, keepdims=keepdims)
    assert type(got) is type(expected) and np.shape(got) == np.shape(expected)
    assert np.result_type(got) == np.result_type(expected)
    tolerance = 1e-6 if np.result_type(expected) == np.float32 else 1e-14
    np.testing.assert_allclose(got, expected, rtol=tolerance)


LAYERS = """
import numpy as np
from adgen import shapes

@shapes(X="batch 5", W1="5 4", W2="4 3")
def loss(X, W1, W2):
    h = np.tanh(X @ W1)
    return np.sum((h @ W2) ** 2)
"""


def test_grad_frees_matrices_at_their_last_use(compile_text):
    m = compile_text(LAYERS)
    grad = m.__source__.split("def grad_loss")[1]
    others = m.__source__.split("def grad_loss")[0]
    assert (
        "del " in grad and "del " not in others
    )  # forward_/backward_: the tape holds them
    body = grad.split('"""')[2]
    freed = [ln.strip() for ln in body.splitlines() if ln.strip().startswith("del ")]
    assert not any(n in ln for ln in freed for n in ("X", "W1_bar", "W2_bar"))
    rng = np.random.default_rng(0)
    X, W1, W2 = (
        rng.standard_normal((6, 5)),
        rng.standard_normal((5, 4)),
        rng.standard_normal((4, 3)),
    )

    def loss(X, W1, W2):
        return np.sum((np.tanh(X @ W1) @ W2) ** 2)

    _, W1_bar, W2_bar = m.grad_loss(X, W1, W2)
    for bar, i in ((W1_bar, 1), (W2_bar, 2)):
        for index in [(0, 0), (1, 2), (3, 1)]:
            up, down = [X, W1, W2], [X, W1, W2]
            up[i], down[i] = up[i].copy(), down[i].copy()
            up[i][index] += 1e-6
            down[i][index] -= 1e-6
            assert bar[index] == pytest.approx(
                (loss(*up) - loss(*down)) / 2e-6, rel=1e-6
            )


LECTURE_G = """
import numpy as np

def g(x1: float, x2: float):
    return np.log(x1) + x1 * x2 - np.sin(x2)
"""


def test_grad_spells_math_on_declared_scalars_and_the_lecture_code_stays(compile_text):
    m = compile_text(LECTURE_G)
    before, grad = m.__source__.split("def grad_g")
    fast = grad.split("except")[0]  # the float path, inside try
    fast = "\n".join(line.split("#")[0] for line in fast.splitlines())  # code only
    assert "math.cos(x2)" in fast and "np." not in fast
    lecture = before.split("def forward_g")[1]  # forward_g and backward_g
    assert "np.cos(x2)" in lecture and "math." not in lecture
    for x1, x2 in [(2.0, 5.0), (0.3, -1.0)]:
        x1_bar, x2_bar = m.grad_g(x1, x2)  # closed form: 1/x1 + x2, x1 - cos x2
        assert type(x1_bar) is float and type(x2_bar) is float
        assert x1_bar == pytest.approx(1 / x1 + x2, rel=1e-15)
        assert x2_bar == pytest.approx(x1 - np.cos(x2), rel=1e-15)
        value, grads = m.value_and_grad_g(x1, x2)
        assert value == pytest.approx(np.log(x1) + x1 * x2 - np.sin(x2), rel=1e-15)
        assert grads == pytest.approx((1 / x1 + x2, x1 - np.cos(x2)), rel=1e-15)
    # an array for a parameter declared float: numpy, elementwise
    x2 = np.array([5.0, 0.5])
    np.testing.assert_allclose(m.grad_g(2.0, x2)[1], 2.0 - np.cos(x2), rtol=1e-15)


def test_float_path_falls_back_to_numpy_where_math_raises(compile_text):
    """log(0) and 1 / 0 on Python floats: numpy's -inf and inf, not an exception."""
    m = compile_text(LECTURE_G)
    with np.errstate(divide="ignore"):
        x1_bar, x2_bar = m.grad_g(0.0, 5.0)
        value, _ = m.value_and_grad_g(0.0, 5.0)
    assert x1_bar == np.inf and x2_bar == pytest.approx(-np.cos(5.0), rel=1e-15)
    assert value == -np.inf


def test_float_path_runs_no_type_test(compile_text):
    """No isinstance test before the float path: an array for x1, read by arithmetic
    only, stays an array; an array for x2 makes math.cos raise TypeError, and
    numpy's sweeps run instead.  Either way the values are the closed form."""
    m = compile_text(LECTURE_G)
    assert "isinstance" not in m.__source__.split("def grad_g")[1]
    x1 = np.array([0.5, 2.0])
    x1_bar, x2_bar = m.grad_g(x1, 5.0)
    np.testing.assert_allclose(x1_bar, 1 / x1 + 5.0, rtol=1e-15)
    np.testing.assert_allclose(x2_bar, x1 - np.cos(5.0), rtol=1e-15)
    for x2 in (np.array([5.0, 0.5]), np.array([0.5])):  # a one-element array too
        x1_bar, x2_bar = m.grad_g(2.0, x2)
        assert x2_bar.shape == x2.shape
        np.testing.assert_allclose(x1_bar, 0.5 + x2, rtol=1e-15)
        np.testing.assert_allclose(x2_bar, 2.0 - np.cos(x2), rtol=1e-15)


def test_float32_scalars_on_the_float_path_and_declared_0d(compile_text):
    """On the float path ``math.cos`` reads a float32 as ``float(x)`` does and
    returns a Python float, which numpy's arithmetic with the float32 operands
    then keeps float32 (a weak scalar).  Declared ``"()"`` (any numpy scalar),
    every call is numpy's: float32 throughout."""
    m = compile_text(LECTURE_G)
    x1, x2 = np.float32(2.0), np.float32(5.0)
    grads = m.grad_g(x1, x2)  # x2 + 1.0 / x1, x1 - math.cos(x2)
    assert [g.dtype for g in grads] == [np.float32, np.float32]
    np.testing.assert_allclose(grads, (1 / 2 + 5, 2 - np.cos(5)), rtol=1e-6)
    numpy_scalars = compile_text(LECTURE_G.replace(": float", ': "()"'))
    grad_source = numpy_scalars.__source__.split("def grad_g")[1]
    float_path = "except (ArithmeticError, TypeError, ValueError):"
    assert "scalar_math.cos(x2)" in grad_source and float_path not in grad_source
    grads = numpy_scalars.grad_g(x1, x2)
    assert [g.dtype for g in grads] == [np.float32, np.float32]
    np.testing.assert_allclose(grads, (1 / 2 + 5, 2 - np.cos(5)), rtol=1e-6)
    assert numpy_scalars.grad_g(2.0, 5.0) == pytest.approx(
        (1 / 2 + 5, 2 - math.cos(5)), rel=1e-15
    )


EDGES = [0.0, -0.0, -1.0, 1e-300, 1000.0, -1000.0, 2.0, np.inf, -np.inf, np.nan]


@pytest.mark.parametrize(
    "name", sorted(vars(__import__("adgen.runtime").runtime.scalar_math))
)
def test_scalar_math_gives_numpys_values_inf_and_nan(name):
    from adgen.runtime import scalar_math

    fast, numpy_function = getattr(scalar_math, name), getattr(np, name)
    with np.errstate(all="ignore"):
        for x in EDGES:
            got, expected = fast(x), numpy_function(x)
            assert np.isnan(got) == np.isnan(expected), (name, x, got, expected)
            if not np.isnan(expected):
                assert got == pytest.approx(expected, rel=1e-15), (name, x)
        x32 = np.float32(0.5)
        assert fast(x32).dtype == np.float32  # float32 goes to numpy: stays float32
        np.testing.assert_array_equal(
            fast(np.array([0.5, 2.0])), numpy_function(np.array([0.5, 2.0]))
        )


IN_A_LOOP = """
import numpy as np
from adgen import shapes

@shapes(x="n")
def f(x, w: float, b: float):
    s = 0.0
    for i in range(3):
        s = s + np.mean(np.tanh(w * x + b))
        if s > 0:
            w = w * 0.5
    return s
"""


def test_respelling_reaches_inside_loops_and_branches(compile_text):
    m = compile_text(IN_A_LOOP, wrt=["w", "b"])
    assert "np.vdot(" in m.__source__ and ".sum()" in m.__source__

    def f(x, w, b):
        s = 0.0
        for _ in range(3):
            s = s + np.mean(np.tanh(w * x + b))
            if s > 0:
                w = w * 0.5
        return s

    args = (np.linspace(-1.0, 2.0, 5), 0.8, 0.1)
    w_bar, b_bar = m.grad_f(*args)
    assert w_bar == pytest.approx(central(f, args, 1), rel=1e-7)
    assert b_bar == pytest.approx(central(f, args, 2), rel=1e-7)


SPREAD = """
import numpy as np
from adgen import shapes

@shapes(X="n 2", T="n 1", W="2 1", M="n 1")
def mse(X, T, W, M):
    return np.mean((X @ W - T) ** 2)

@shapes(X="n 2", T="n 1", W="2 1", M="n 1")
def masked(X, T, W, M):
    return np.sum((X @ W) * M)

@shapes(X="n 2", T="n 1", W="2 1", M="n 1")
def plus(X, T, W, M):
    return np.mean(X @ W + T)

@shapes(X="n 2", T="n 1", W="2 1", M="n 1")
def relu_sum(X, T, W, M):
    return np.sum(np.maximum(X @ W, 0))
"""


def _spread_args(dtype=np.float64):
    rng = np.random.default_rng(7)
    X, T = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    W, M = rng.normal(size=(2, 1)), rng.normal(size=(5, 1))
    return [a.astype(dtype) for a in (X, T, W, M)]


def test_mean_adjoint_stays_a_scalar_that_broadcasting_spreads(compile_text):
    """The mean squared error's adjoint is the hand-written (y - t) * (2 / n)."""
    from adgen.testing import numerical_grad

    m = compile_text(SPREAD, functions=["mse"], wrt=["W"])
    grad = m.__source__.split("def grad_mse")[1]
    assert "np.full_like" not in grad
    assert "n7_bar = 1.0 / np.size(n6)" in grad
    assert "n6_bar = 2 * n7_bar * n6" in grad
    args = _spread_args()
    f = lambda *a: float(np.mean((a[0] @ a[2] - a[1]) ** 2))  # noqa: E731
    expected = numerical_grad(f, args, 2)
    np.testing.assert_allclose(m.grad_mse(*args)[0], expected, rtol=1e-7)
    _, tape = m.forward_mse(*args)
    np.testing.assert_allclose(m.backward_mse(tape)[0], expected, rtol=1e-7)
    assert m.grad_mse(*_spread_args(np.float32))[0].dtype == np.float32


@pytest.mark.parametrize(
    "name, closed_form",
    [
        ("masked", lambda X, T, W, M: X.T @ M),  # data M: could be ints, keep full_like
        ("plus", lambda X, T, W, M: X.T @ np.full_like(T, 1 / T.size)),  # no factor
        ("relu_sum", lambda X, T, W, M: X.T @ (X @ W > 0)),  # a bool mask only
    ],
)
def test_sum_adjoint_is_spread_where_broadcasting_would_not(
    compile_text, name, closed_form
):
    m = compile_text(SPREAD, functions=[name], wrt=["W"])
    assert "np.full_like" in m.__source__.split(f"def grad_{name}")[1]
    args = _spread_args()
    (W_bar,) = getattr(m, f"grad_{name}")(*args)
    np.testing.assert_allclose(W_bar, closed_form(*args))
    (W_bar,) = getattr(m, f"grad_{name}")(*_spread_args(np.float32))
    assert W_bar.dtype == np.float32


INT_AND_BOOL_DATA = """
import numpy as np
from adgen import shapes

@shapes(x="n", m="n")
def masked_sum(x, m):
    return np.sum(x * m)

@shapes(x="n", m="n")
def masked_mean(x, m):
    return np.mean(x * m)

@shapes(c="n")
def half_mean(c):
    return np.mean(c * 0.5)

@shapes(Y="b 3", Z="b 3")
def cross_entropy(Y, Z):
    return -np.mean(Y * np.log(Z))
"""


def test_sum_and_mean_adjoints_with_int_and_bool_data(compile_text):
    """A mask or one-hot labels among the parameters (wrt is every parameter by
    default): the gradients are floats of the right values, in float32 where the
    model computes in float32, and never the caller's own array.  The adjoint
    used to be spread with np.full_like over an int or bool operand: zeros."""
    m = compile_text(INT_AND_BOOL_DATA)
    x = np.array([0.5, -1.0, 2.0, 0.25, 1.5], np.float32)
    mask = np.array([1, 0, 1, 1, 0], bool)
    x_bar, m_bar = m.grad_masked_sum(x, mask)
    assert x_bar is not mask and x_bar.dtype == np.float32
    np.testing.assert_array_equal(x_bar, mask.astype(np.float32))  # d/dx sum(x m) = m
    np.testing.assert_array_equal(m_bar, x)
    x_bar, m_bar = m.grad_masked_mean(x, mask)
    assert x_bar.dtype == np.float32
    np.testing.assert_allclose(x_bar, mask / 5, rtol=1e-6)
    np.testing.assert_allclose(m_bar, x / 5, rtol=1e-6)
    (c_bar,) = m.grad_half_mean(np.array([1, 2, 3, 4]))
    np.testing.assert_allclose(c_bar, [0.125] * 4)  # 0.5 / n, not np.full_like(c, ...)
    Y = np.array([[1, 0, 0], [0, 1, 0]])
    Z = np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])
    Y_bar, Z_bar = m.grad_cross_entropy(Y, Z)
    np.testing.assert_allclose(Z_bar, -Y / Z / 6)
    np.testing.assert_allclose(Y_bar, -np.log(Z) / 6)


MATRIX_OF_FLOATS = """
import numpy as np

def f(x: float, y: float) -> float:
    v = np.stack([x, y])
    A = np.outer(v, v)
    B = A * np.sin(x)
    return np.sum(B * B) + np.sin(y)
"""


def test_float_path_folds_nothing_past_a_del(compile_text):
    """grad_f deletes each matrix after its last use (liveness.py); folding a value
    read once must not move a read below that ``del`` (found by review: an
    UnboundLocalError).  Closed form: sum(B * B) = sin(x)^2 (x^2 + y^2)^2."""
    m = compile_text(MATRIX_OF_FLOATS)
    assert "del " in m.__source__.split("def grad_f")[1]
    for x, y in [(0.3, 0.7), (1.2, -0.4)]:
        s, c, r = math.sin(x), math.cos(x), x * x + y * y
        expected = (
            2 * s * c * r * r + s * s * 4 * x * r,
            s * s * 4 * y * r + math.cos(y),
        )
        assert m.grad_f(x, y) == pytest.approx(expected, rel=1e-13)
        value, grads = m.value_and_grad_f(x, y)
        assert value == pytest.approx(s * s * r * r + math.sin(y), rel=1e-13)
        assert grads == pytest.approx(expected, rel=1e-13)


POWERS = """
import numpy as np

def f(x: float, y: float):
    return x ** y + np.sin(x) * y ** 0.5 + x ** 2
"""


def test_float_path_spells_a_fractional_power_math_pow(compile_text):
    """``x ** y`` on Python floats gives a complex number for a negative x; the
    float path spells it ``math.pow``, which raises there, so the result is
    numpy's nan, as from backward_f.  Whole exponents keep ``**``."""
    m = compile_text(POWERS)
    fast = m.__source__.split("def grad_f")[1].split("except")[0]
    # (the base is guarded where x == y == 0: d/dx x ** 0 is 0 there, tests/test_power.py)
    assert "math.pow(x + (x == 0) * (y == 0), y - 1)" in fast and "2.0 * x" in fast
    for x, y in [(1.3, 0.7), (2.0, 3.0)]:  # closed form
        expected = (
            y * x ** (y - 1) + math.cos(x) * y**0.5 + 2 * x,
            x**y * math.log(x) + math.sin(x) * 0.5 * y**-0.5,
        )
        assert m.grad_f(x, y) == pytest.approx(expected, rel=1e-14)
    with np.errstate(invalid="ignore"):
        grads = m.grad_f(-2.0, 0.5)
        value, _ = m.value_and_grad_f(-2.0, 0.5)
    assert not any(isinstance(g, complex) for g in (*grads, value))
    assert np.isnan(grads).all() and np.isnan(value)


TWO_KINKS = """
import numpy as np

def f(x):
    return np.maximum(x, 0.1) + np.maximum(x, 0.2)

def g(x):
    return np.maximum(x, 0.1)
"""


@pytest.mark.parametrize("x", [0.5, np.float64(0.5), np.float32(0.5)])
def test_a_kinks_adjoint_is_a_number_not_a_bool(compile_text, x):
    """d/dx [max(x, 0.1) + max(x, 0.2)] = 2 at 0.5, by hand.  grad_f folded the seed
    and left the masks (x > 0.1) bare: numpy bools, whose sum is a logical or
    (np.True_, not 2), and a bool returned as the gradient of max(x, 0.1)."""
    m = compile_text(TWO_KINKS)
    (x_bar,) = m.grad_f(x)
    assert x_bar == 2.0 and not isinstance(x_bar, bool | np.bool_)
    (x_bar,) = m.grad_g(x)
    assert x_bar == 1.0 and not isinstance(x_bar, bool | np.bool_)


def bool_index_mean(X, y):
    c = y > 0
    return np.mean(X[c] ** 2)


def test_a_scalar_boolean_index_adds_an_axis_so_the_mean_is_not_folded_wrong():
    """X[y > 0] with a scalar y is X with a new first axis, not X's first row: the
    mean's size is X's, and the gradient autograd's (it was 3x too large)."""
    X = np.arange(6.0).reshape(3, 2)
    expected = autograd.grad(lambda X, y: anp.mean(X[y > 0] ** 2))(X, 2.0)
    np.testing.assert_allclose(
        adgen.grad(bool_index_mean)(X, 2.0), expected, rtol=1e-14
    )
