"""Second and third derivatives: adgen differentiating the gradient code it wrote.

* the rules of what gradient code calls (adgen.runtime helpers, np.full_like,
  np.expand_dims; models in rules_models/gradient_code.py) against finite
  differences, in reverse and forward mode;
* ``adgen.hessian`` and ``adgen.hvp`` against closed forms worked by hand, against
  central differences of the gradient, and against second-order central
  differences of the function itself;
* ``grad(grad(f))`` (and a third derivative) against closed forms;
* the emitted second-order code, which must stay readable.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.special
from autograd_oracle import traced_namespace
from rules_models import gradient_code as gc
from rules_models import second_order as so
from test_forward import check_jvp
from test_rules import R, check_vjp

import adgen
from adgen.errors import AdgenError, BadWrt, NonScalarOutput
from adgen.primitives import GRADIENT_HELPERS, PRIMITIVES

autograd = pytest.importorskip("autograd")  # the test extra installs it


# =============================================================================
# Rules of the calls gradient code makes
# =============================================================================
def distinct(shape, seed):
    """No ties, so max/min have one winner per slice."""
    r = np.random.default_rng(seed)
    return r.permutation(np.prod(shape)).reshape(shape) * 0.3 + r.uniform(0, 0.1, shape)


GRADIENT_CODE = [
    pytest.param(gc.gc_full_like, (R(3, 4), R(4, seed=1)), (1,), id="full_like"),
    pytest.param(gc.gc_expand_dims, (R(2, 4),), (0,), id="expand_dims"),
    pytest.param(
        gc.gc_unbroadcast, (R(2, 3, 4), R(3, 1, seed=1)), (0,), id="unbroadcast"
    ),
    pytest.param(
        gc.gc_broadcast_like, (R(4), R(3, 4, seed=1)), (0, 1), id="broadcast_like"
    ),
    pytest.param(
        gc.gc_extremum_adjoint, (R(3), distinct((3, 4), 2)), (0,), id="extremum_adjoint"
    ),
    pytest.param(
        gc.gc_extremum_adjoint_all,
        (1.3, distinct((3, 4), 3)),
        (0,),
        id="extremum_adjoint-all",
    ),
    pytest.param(
        gc.gc_index_adjoint, (R(2, 2), R(4, 4, seed=1)), (0,), id="index_adjoint"
    ),
    pytest.param(
        gc.gc_trace_adjoint, (R(2), R(3, 4, 2, seed=1)), (0,), id="trace_adjoint"
    ),
    pytest.param(
        gc.gc_matmul_adjoint_x,
        (R(3, 2), R(3, 4, seed=1), R(4, 2, seed=2)),
        (0, 2),
        id="matmul_adjoint_x-2d",
    ),
    pytest.param(
        gc.gc_matmul_adjoint_x,
        (R(2, 3, 5), R(3, 4, seed=1), R(2, 4, 5, seed=2)),
        (0, 2),
        id="matmul_adjoint_x-batch-broadcast",
    ),
    pytest.param(
        gc.gc_matmul_adjoint_x,
        (R(2), R(4, seed=1), R(4, 2, seed=2)),
        (0, 2),
        id="matmul_adjoint_x-1d",
    ),
    pytest.param(
        gc.gc_matmul_adjoint_y,
        (R(3, 2), R(3, 4, seed=1), R(4, 2, seed=2)),
        (0, 1),
        id="matmul_adjoint_y-2d",
    ),
    pytest.param(
        gc.gc_matmul_adjoint_y,
        (R(3), R(3, 4, seed=1), R(4, seed=2)),
        (0, 1),
        id="matmul_adjoint_y-1d",
    ),
    pytest.param(
        gc.gc_dot_adjoint_x,
        (R(3, 2), R(3, 4, seed=1), R(4, 2, seed=2)),
        (0, 2),
        id="dot_adjoint_x-2d",
    ),
    pytest.param(
        gc.gc_dot_adjoint_x,
        (R(3, 4), 1.7, R(3, 4, seed=2)),
        (0, 2),
        id="dot_adjoint_x-scalar",
    ),
    pytest.param(
        gc.gc_dot_adjoint_y,
        (R(2, 3, 5), R(2, 3, 4, seed=1), R(4, 5, seed=2)),
        (0, 1),
        id="dot_adjoint_y-3d",
    ),
    pytest.param(gc.gc_unreduce, (R(3), R(3, 4, seed=1)), (0,), id="unreduce"),
    pytest.param(
        gc.gc_unreduce_keepdims,
        (R(1, 3, 1), R(2, 3, 4, seed=1)),
        (0,),
        id="unreduce-keepdims",
    ),
    pytest.param(
        gc.gc_unreduce_scalar, (1.3, R(4, seed=1)), (0,), id="unreduce-scalar"
    ),
    pytest.param(gc.gc_sum_like, (R(3, 4), R(3, seed=1)), (0,), id="sum_like"),
    pytest.param(
        gc.gc_sum_like_keepdims,
        (R(2, 3, 4), R(1, 3, 1, seed=1)),
        (0,),
        id="sum_like-keepdims",
    ),
    pytest.param(gc.gc_sum_like_scalar, (R(4), 0.7), (0,), id="sum_like-scalar"),
]


@pytest.mark.parametrize("f, args, wrt", GRADIENT_CODE)
def test_gradient_code_rules_reverse(f, args, wrt):
    check_vjp(f, args, wrt)


@pytest.mark.parametrize("f, args, wrt", GRADIENT_CODE)
def test_gradient_code_rules_forward(f, args, wrt):
    check_jvp(f, args, wrt)


# =============================================================================
# Models (adgen compiles them from this file)
# =============================================================================
def lecture_f(x1: float, x2: float) -> float:
    return x1 * x2 + np.sin(x1)


def lecture_f_unannotated(x1, x2):
    return x1 * x2 + np.sin(x1)


def scalar_g(x):
    return x * np.sin(x) + x**3


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def quadratic(x, A):
    return 0.5 * x @ A @ x


def network(W1, b1, W2, X, y):
    H = np.tanh(X @ W1 + b1)
    return np.mean((H @ W2 - y) ** 2)


@adgen.shapes(X="n 3", W1="3 4", b1="4", W2="4", y="n")
def network_declared(W1, b1, W2, X, y):
    H = scipy.special.expit(X @ W1 + b1)
    return np.mean((H @ W2 - y) ** 2)


def softmax_loss(W, x):
    z = W @ x
    return scipy.special.logsumexp(z) - z[0] + 0.1 * np.sum(W**2)


def smooth_mix(x, y):
    a = np.exp(-(x**2)) / (1.0 + y**2)
    b = np.where(x > 0, x**3, np.sin(x))
    return (
        np.sum(a * b + np.log1p(x**2) * y) + np.max(x * y) + np.mean(np.sqrt(1 + y**2))
    )


def vector_valued(x):
    return np.sin(x) * 2.0


@adgen.shapes(x="n")
def scalar_weight(w: float, x):
    return np.sum(np.sin(w * x))  # w_bar = np.vdot(n3_bar, x) in grad_f


# =============================================================================
# Hessians against closed forms
# =============================================================================
@pytest.mark.parametrize(
    "f", [lecture_f, lecture_f_unannotated], ids=["annotated", "unannotated"]
)
@pytest.mark.parametrize("x1, x2", [(2.0, 3.0), (-0.4, 1.1)])
def test_hessian_of_the_lecture_function(f, x1, x2):
    """f = x1·x2 + sin x1: H = [[-sin x1, 1], [1, 0]], worked by hand."""
    (h11, h12), (h21, h22) = adgen.hessian(f, wrt=(0, 1))(x1, x2)
    assert (h11, h12, h21, h22) == pytest.approx(
        (-np.sin(x1), 1.0, 1.0, 0.0), abs=1e-14
    )
    assert adgen.hessian(f)(x1, x2) == pytest.approx(-np.sin(x1), abs=1e-14)


def test_second_derivative_through_a_vdot():
    """grad_f sums w's products with np.vdot (specialize.py), read back as np.sum(a * b):
    d²/dw² sum sin(w x) = -sum x² sin(w x), by hand."""
    x, w = np.array([1.0, -2.0, 0.5]), 0.3
    expected = -np.sum(x**2 * np.sin(w * x))
    assert adgen.hessian(scalar_weight, wrt=0)(w, x) == pytest.approx(
        expected, rel=1e-12
    )
    second = adgen.grad(adgen.grad(scalar_weight, wrt=0), wrt=0)(w, x)
    assert second == pytest.approx(expected, rel=1e-12)


def float_power(x: float, y: float):
    return x**y + np.sin(x)  # grad_f's float path spells x ** (y - 1) math.pow


def test_hessian_through_math_pow():
    """math.pow in grad_f's float path, read back as **: the Hessian of
    x^y + sin x, by hand."""
    x, y = 1.3, 0.7
    cross = x ** (y - 1) * (1 + y * np.log(x))
    expected = (
        (y * (y - 1) * x ** (y - 2) - np.sin(x), cross),
        (cross, x**y * np.log(x) ** 2),
    )
    got = adgen.hessian(float_power, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(got, expected, rtol=1e-13)


def test_hessian_of_a_quadratic_form():
    """½ xᵀAx: H = (A + Aᵀ)/2, by hand."""
    x, A = R(4, seed=7), R(4, 4, seed=8)
    np.testing.assert_allclose(
        adgen.hessian(quadratic)(x, A), (A + A.T) / 2, atol=1e-14
    )


def test_hessian_of_rosenbrock():
    """The Rosenbrock function's Hessian, by hand (tridiagonal)."""
    x = np.array([0.3, -0.8, 1.2, 0.5])
    H = np.zeros((4, 4))
    for i in range(3):
        H[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        H[i, i + 1] += -400 * x[i]
        H[i + 1, i] += -400 * x[i]
        H[i + 1, i + 1] += 200
    np.testing.assert_allclose(adgen.hessian(rosenbrock)(x), H, rtol=1e-12, atol=1e-10)


# =============================================================================
# Hessians and hvp against finite differences
# =============================================================================
def fd_of_gradient(f, args, i, j, h=1e-6):
    """∂/∂args[j] of the (reverse-mode) gradient in args[i], by central differences."""
    gradient = adgen.grad(f, wrt=i)
    x = np.asarray(args[j], dtype=np.float64)
    columns = []
    for index in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[index] = h
        plus = [*args]
        minus = [*args]
        plus[j], minus[j] = x + e, x - e
        columns.append(
            (np.asarray(gradient(*plus)) - np.asarray(gradient(*minus))) / (2 * h)
        )
    return np.stack(columns, axis=-1).reshape(np.shape(args[i]) + x.shape)


def fd_second(f, args, i, j, h=1e-4):
    """∂²f/∂args[i]∂args[j] by second-order central differences of f alone."""
    xi, xj = np.asarray(args[i], dtype=np.float64), np.asarray(
        args[j], dtype=np.float64
    )
    H = np.zeros(xi.shape + xj.shape)
    for a in np.ndindex(xi.shape):
        for b in np.ndindex(xj.shape):
            total = 0.0
            for si, sj, sign in [(1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)]:
                moved = [np.array(v, dtype=np.float64) for v in args]
                moved[i][a] += si * h
                moved[j][b] += sj * h
                total += sign * f(*moved)
            H[a + b] = total / (4 * h * h)
    return H


def network_args(seed=0):
    r = np.random.default_rng(seed)
    X, y = r.standard_normal((5, 3)), r.standard_normal(5)
    return [r.standard_normal((3, 4)), r.standard_normal(4), r.standard_normal(4), X, y]


HESSIAN_CASES = [
    pytest.param(rosenbrock, [np.array([0.3, -0.8, 1.2])], (0,), id="rosenbrock"),
    pytest.param(network, network_args(), (0, 1, 2), id="tanh-network"),
    pytest.param(
        network_declared, network_args(1), (0, 1, 2), id="expit-network-declared-shapes"
    ),
    pytest.param(
        softmax_loss, [R(3, 4, seed=3), R(4, seed=4)], (0, 1), id="logsumexp-indexing"
    ),
    pytest.param(
        smooth_mix,
        [np.array([0.7, -0.3, 1.1, -1.4]), np.array([0.2, 0.9, -0.5, 1.3])],
        (0, 1),
        id="exp-where-log1p-max-mean-sqrt",
    ),
]


@pytest.mark.parametrize("f, args, wrt", HESSIAN_CASES)
def test_hessian_vs_finite_differences_of_the_gradient(f, args, wrt):
    H = adgen.hessian(f, wrt=wrt)(*args)
    for a, i in enumerate(wrt):
        for b, j in enumerate(wrt):
            block = H[a][b]  # a tuple wrt gives rows of blocks, even for one parameter
            assert np.shape(block) == np.shape(args[i]) + np.shape(args[j])
            np.testing.assert_allclose(
                block,
                fd_of_gradient(f, args, i, j),
                rtol=1e-6,
                atol=1e-7,
                err_msg=f"H[{a}][{b}]",
            )


@pytest.mark.parametrize("f, args, wrt", HESSIAN_CASES[:4])
def test_hessian_vs_second_differences_of_the_function(f, args, wrt):
    H = adgen.hessian(f, wrt=wrt)(*args)
    for a, i in enumerate(wrt):
        for b, j in enumerate(wrt):
            block = H[a][b]
            np.testing.assert_allclose(
                block, fd_second(f, args, i, j), rtol=1e-4, atol=1e-5
            )


@pytest.mark.parametrize("f, args, wrt", HESSIAN_CASES)
def test_hvp_is_the_hessian_times_the_vectors(f, args, wrt):
    """H·v against the directional central difference of the gradient along v."""
    rng = np.random.default_rng(9)
    vectors = [rng.standard_normal(np.shape(args[i])) for i in wrt]
    products = adgen.hvp(f, wrt=wrt)(*args, *vectors)  # a tuple, as wrt is one
    h = 1e-6
    plus, minus = list(args), list(args)
    for i, v in zip(wrt, vectors, strict=True):
        plus[i], minus[i] = args[i] + h * v, args[i] - h * v
    gradient = adgen.grad(f, wrt=tuple(wrt))
    expected = [
        (p - m) / (2 * h)
        for p, m in zip(gradient(*plus), gradient(*minus), strict=True)
    ]
    for got, want in zip(products, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_hessian_is_symmetric():
    H = adgen.hessian(network, wrt=(0, 1))(*network_args(2))
    np.testing.assert_allclose(H[0][1], np.moveaxis(H[1][0], 0, -1), atol=1e-12)


# =============================================================================
# grad of grad, and beyond
# =============================================================================
def g_exp(x):
    return np.exp(2.0 * x) / x


def g_log(x):
    return np.log(x**2 + 1.0)


def g_tanh(x):
    return np.tanh(x) * x


def g_pow(x):
    return x**x


def g_sqrt(x):
    return np.sqrt(1.0 + x**4)


CLOSED_FORMS = [
    pytest.param(
        scalar_g, lambda x: 2 * np.cos(x) - x * np.sin(x) + 6 * x, id="x*sin(x)+x**3"
    ),
    pytest.param(
        g_exp, lambda x: np.exp(2 * x) * (4 / x - 4 / x**2 + 2 / x**3), id="exp(2x)/x"
    ),
    pytest.param(g_log, lambda x: (2 - 2 * x**2) / (x**2 + 1) ** 2, id="log(x**2+1)"),
    pytest.param(
        g_tanh,
        lambda x: 2 / np.cosh(x) ** 2 - 2 * x * np.tanh(x) / np.cosh(x) ** 2,
        id="x*tanh(x)",
    ),
    pytest.param(g_pow, lambda x: x**x * ((np.log(x) + 1) ** 2 + 1 / x), id="x**x"),
    pytest.param(
        g_sqrt,
        lambda x: (6 * x**2 * (1 + x**4) - 4 * x**6) / (1 + x**4) ** 1.5,
        id="sqrt(1+x**4)",
    ),
]


@pytest.mark.parametrize("f, second", CLOSED_FORMS)
@pytest.mark.parametrize("x", [0.6, 1.7])
def test_grad_of_grad_matches_the_closed_form(f, second, x):
    assert adgen.grad(adgen.grad(f))(x) == pytest.approx(second(x), rel=1e-12)
    assert adgen.hessian(f)(x) == pytest.approx(second(x), rel=1e-12)


def test_third_derivative():
    """d³/dx³ (x sin x + x³) = -3 sin x - x cos x + 6, by hand."""
    x = 0.8
    third = adgen.grad(adgen.grad(adgen.grad(scalar_g)))(x)
    assert third == pytest.approx(-3 * np.sin(x) - x * np.cos(x) + 6, rel=1e-12)


def test_jvp_of_grad_is_an_hvp():
    x, A, v = R(3, seed=1), R(3, 3, seed=2), R(3, seed=3)
    gradient, product = adgen.jvp(adgen.grad(quadratic))(x, A, v)
    np.testing.assert_allclose(gradient, (A + A.T) / 2 @ x, atol=1e-14)
    np.testing.assert_allclose(product, (A + A.T) / 2 @ v, atol=1e-14)


def test_grad_of_grad_by_forward_mode():
    x = 1.3
    assert adgen.grad(adgen.grad(scalar_g), mode="forward")(x) == pytest.approx(
        2 * np.cos(x) - x * np.sin(x) + 6 * x, rel=1e-12
    )


def test_grad_of_a_gradient_with_several_parameters_is_refused():
    with pytest.raises(BadWrt, match="returns a tuple"):
        adgen.grad(adgen.grad(lecture_f, wrt=(0, 1)))(1.0, 2.0)


def test_hessian_of_a_non_scalar_function_is_refused():
    with pytest.raises(NonScalarOutput):
        adgen.hessian(vector_valued)(np.ones(3))
    with pytest.raises(NonScalarOutput):
        adgen.grad(adgen.grad(vector_valued))(np.ones(3))


# =============================================================================
# What is not supported yet gives a located error, not a traceback or a wrong value
# =============================================================================
def uses_concatenate(x):
    return np.sum(np.concatenate([x, x * x]) ** 2)


@pytest.mark.parametrize("f", [uses_concatenate], ids=["concatenate"])
def test_unsupported_second_order_is_a_located_error(f):
    with pytest.raises(AdgenError, match=r"gradient of uses_\w+\):\d+:\d+: error"):
        adgen.hessian(f)(np.array([0.1, 0.2, 0.3, 0.4]))


# =============================================================================
# Every primitive at second order, against autograd; logsumexp in detail
# =============================================================================
SECOND_ORDER_SOURCE = Path(so.__file__).read_text(encoding="utf-8")
AUTOGRAD_MODELS = traced_namespace(
    SECOND_ORDER_SOURCE
)  # the same source, autograd's np


def autograd_hessian(name, args, i, j):
    """∂²f/∂args[i]∂args[j] by autograd, of the model ``name`` run on autograd.numpy."""
    f = AUTOGRAD_MODELS[name]

    def of(a, b):
        moved = list(args)
        moved[i] = a
        moved[j] = b if j != i else a
        return f(*moved)

    with warnings.catch_warnings():  # "Output seems independent of input": a zero block
        warnings.simplefilter("ignore", UserWarning)
        return autograd.jacobian(autograd.grad(of, 0), 1 if j != i else 0)(
            args[i], args[j]
        )


# Primitives whose gradient code calls something without a rule yet: second
# derivatives are refused with a located error naming the gradient code (README,
# "Not supported yet at second order").
SECOND_ORDER_GAPS = {
    "prod": "`prod_others`",  # the cofactors, exact where x has zeros
    "sort": "`np.take_along_axis`",  # g put back by the inverse permutation
    "partition": "`np.take_along_axis`",  # g put back by ranks, as sort's
    "cumprod": "`cumprod_adjoint`",  # a recurrence along the axis, exact at zeros
    "concatenate": "`concatenate_part`",  # takes a list
    "index_update": "`index_update`",  # y[i] = v: the write helper has no rule yet
    # the joins of stacking.py: joined_part takes a list (or an array's rows)
    **dict.fromkeys(
        [
            "vstack",
            "hstack",
            "column_stack",
            "dstack",
            "r_",
            "c_",
            "concatenate_rows",
            "stack_rows",
        ],
        "`joined_part`",
    ),
}
# Primitives autograd has no rule for (cbrt, flip, softmax, log_softmax), or whose second derivative it
# gets wrong (its Hessian of so_tile differs from finite differences of its own
# gradient; its outer rule, dot(g, b.T), is for vectors: its Hessian of
# so_outer's matrices raised "shapes (6,6) and (3,2) not aligned" in some test
# orders): their Hessians are checked against central differences of adgen's
# gradient (itself checked against finite differences).
# float(x) and np.float64(x) of autograd's boxes raise (casts.py: the identity);
# its linspace rule fails on array endpoints ("shapes (3,) and (3,2,3) not aligned").
AUTOGRAD_LACKS = {"cbrt", "flip", "tile", "softmax", "log_softmax", "outer"}
AUTOGRAD_LACKS |= {"float", "float64", "linspace"}
USER_PRIMITIVES = sorted(
    n for n, p in PRIMITIVES.items() if p.differentiable and n not in GRADIENT_HELPERS
)
POSITIVE = np.random.default_rng(5).uniform(
    0.3, 0.9, (2, 2, 3)
)  # x * y in (0.09, 0.81)


def test_every_primitive_has_a_second_order_model():
    missing = [p for p in USER_PRIMITIVES if not hasattr(so, f"so_{p}")]
    assert (
        not missing
    ), f"add so_<primitive> to tests/rules_models/second_order.py: {missing}"


@pytest.mark.parametrize("primitive", USER_PRIMITIVES)
def test_second_order_of_each_primitive(primitive):
    """hessian (forward over reverse) and the Jacobian of the gradient (reverse over
    reverse) against autograd; the known gaps refused with a located error."""
    f = getattr(so, f"so_{primitive}")
    x, y = POSITIVE
    if primitive in SECOND_ORDER_GAPS:
        located = rf"\(gradient of so_{primitive}\):\d+:\d+: error: .*"
        with pytest.raises(AdgenError, match=located + SECOND_ORDER_GAPS[primitive]):
            adgen.hessian(f, wrt=(0, 1))(x, y)
        return
    H = adgen.hessian(f, wrt=(0, 1))(x, y)
    if primitive in AUTOGRAD_LACKS:
        for i in (0, 1):
            for j in (0, 1):
                expected = fd_of_gradient(f, [x, y], i, j)
                np.testing.assert_allclose(H[i][j], expected, rtol=1e-6, atol=1e-7)
        return
    for i in (0, 1):
        for j in (0, 1):
            np.testing.assert_allclose(
                H[i][j],
                autograd_hessian(f.__name__, [x, y], i, j),
                rtol=1e-9,
                atol=1e-12,
                err_msg=f"H[{i}][{j}]",
            )
    if primitive == "copy":  # through a loop grad(grad(f)) is refused (README)
        return
    np.testing.assert_allclose(
        adgen.jacobian(adgen.grad(f, wrt=0))(x, y),
        autograd_hessian(f.__name__, [x, y], 0, 0),
        rtol=1e-9,
        atol=1e-12,
    )


def test_trace_of_a_declared_matrix_is_a_second_order_gap():
    with pytest.raises(
        AdgenError, match=r"so_trace_declared\):\d+:\d+: error: `np.eye`"
    ):
        adgen.hessian(so.so_trace_declared)(*POSITIVE)


LOGSUMEXP = [
    pytest.param(so.lse_vector, [R(5)], id="vector"),
    pytest.param(so.lse_axis0, [R(4)], id="vector-axis0-scalar"),
    pytest.param(so.lse_axis1, [R(3, 4)], id="axis1"),
    pytest.param(so.lse_axis_last, [R(2, 3, 4)], id="axis-1"),
    pytest.param(so.lse_axes, [R(2, 3, 4)], id="axes-0-2"),
    pytest.param(so.lse_axes_keepdims, [R(2, 3, 4)], id="axes-0-2-keepdims"),
    pytest.param(so.lse_declared, [R(3, 4)], id="axis1-declared"),
    pytest.param(
        so.lse_cross_entropy,
        [R(3, 4), R(5, 3, seed=1), np.eye(4)[[0, 2, 1, 3, 2]]],
        id="softmax-cross-entropy",
    ),
]


@pytest.mark.parametrize("f, args", LOGSUMEXP)
def test_hessian_of_logsumexp(f, args):
    """Against autograd (autograd.scipy.special.logsumexp) and against central
    differences of the gradient. It stopped on `unreduce` having no rule."""
    H = adgen.hessian(f)(*args)
    np.testing.assert_allclose(
        H, autograd_hessian(f.__name__, args, 0, 0), rtol=1e-9, atol=1e-12
    )
    np.testing.assert_allclose(H, fd_of_gradient(f, args, 0, 0), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("f, args", LOGSUMEXP[:4])
def test_grad_of_grad_through_logsumexp(f, args):
    """Reverse over reverse: the Jacobian of the gradient, and grad(grad(f)) of a
    scalar parameter, against autograd."""
    np.testing.assert_allclose(
        adgen.jacobian(adgen.grad(f))(*args),
        autograd_hessian(f.__name__, args, 0, 0),
        rtol=1e-9,
        atol=1e-12,
    )


@pytest.mark.parametrize("s", [0.7, -1.3])
def test_second_derivative_in_a_scalar_through_logsumexp(s):
    x = R(3, 4, seed=2)
    expected = autograd_hessian("lse_scale", [s, x], 0, 0)
    assert adgen.grad(adgen.grad(so.lse_scale))(s, x) == pytest.approx(
        expected, rel=1e-10
    )
    assert adgen.hessian(so.lse_scale, wrt=0)(s, x) == pytest.approx(
        expected, rel=1e-10
    )


# =============================================================================
# The emitted second-order code
# =============================================================================
GOLDEN_JVP_GRAD_F = '''def jvp_grad_f(x1, x2, x1_dot):
    """Forward mode of `grad_f` (tests/test_higher_order.py (gradient of f)): its value, and its derivative along x1_dot."""
    # x1_bar = np.cos(x1) + x2
    n3 = np.cos(x1)
    n3_dot = -x1_dot * np.sin(x1)
    x1_bar = n3 + x2
    x1_bar_dot = n3_dot
    return x1_bar, x1_bar_dot
'''


def test_second_order_code_is_readable():
    """The forward mode of the lecture's grad_f: the README example."""
    from adgen.api import gradient_model_of
    from adgen.errors import SourceFile
    from adgen.pipeline import compile_source

    model = gradient_model_of(lecture_f, ["x1"])
    assert "x1_bar = np.cos(x1) + x2\n    return x1_bar" in model.text
    text = model.text.replace("lecture_f", "f")
    code = compile_source(
        SourceFile("tests/test_higher_order.py (gradient of f)", text),
        ["grad_f"],
        ["x1"],
        mode="forward",
    )
    assert GOLDEN_JVP_GRAD_F in code
