"""float32 gradients, value by value, for every elementwise rule of the rule table.

tests/test_rules.py checks each rule in float64; here the same models take float32
arrays, and the gradient must be float32 *and* right to float32 precision.  The
reference is independent of adgen: central finite differences in float64 of the
model (plain numpy) at the float32 inputs widened to float64, i.e. the exact
derivative at the point the float32 run sees.  A float32 gradient carries
rounding of about 1e-7 per operation, so it must agree to RTOL (plus ATOL times
the gradient's largest entry): a hundred roundings, far below any wrong rule.

An array seed ``v`` (float32) pulls back an array output through ``adgen.vjp``;
a scalar output through ``adgen.grad``, with the Python-float seed 1.0.
Python-float parameters stay Python floats (numpy keeps float32 with them); their
gradients are checked by value only, as the program itself may make them float64.
"""

from __future__ import annotations

import numpy as np
import pytest
import test_rules as rules
from rules_models import control_flow
from rules_models.arithmetic import (
    c_clip,
    c_clip_arrays,
    c_clip_const,
    w_both,
    w_leaky,
    w_scalar_branch,
)

import adgen
from adgen.testing import numerical_grad

RTOL = 1e-5
ATOL = 1e-6


def to_float32(a):
    """Arrays to float32; Python floats, bools and boolean masks as they are."""
    if isinstance(a, np.ndarray) and a.dtype == np.float64:
        return a.astype(np.float32)
    return a


def widened(args: tuple) -> tuple:
    """The float32 arguments in float64: the point the reference differentiates at."""
    return tuple(
        (
            a.astype(np.float64)
            if isinstance(a, np.ndarray) and a.dtype == np.float32
            else a
        )
        for a in args
    )


class NotFloat32(AssertionError):
    """A gradient of the right value in float64: what a known float32 gap xfails on
    (``raises=NotFloat32``), so that a wrong value there still fails."""


# Known float32 gaps (tests/test_fuzz.py's FLOAT32_GAPS has the fuzz-found ones):
# strict xfails, so each fails the day its rule is fixed and the entry must go.
PYTHON_FLOAT_BASE = pytest.mark.xfail(
    raises=NotFloat32,
    strict=True,
    reason="known float32 gap (regression 017): np.log of a Python-float base is float64",
)
CONSTANT_GRADIENT = pytest.mark.xfail(
    raises=NotFloat32,
    strict=True,
    reason="known float32 gap: d(-x)/dx is the seed's -1.0, a Python float, for a 0-d float32 x",
)


def assert_float32_gradient(g, a32, expected: np.ndarray, what: str) -> None:
    """``g`` has ``a32``'s shape, matches ``expected``, and is float32 where ``a32`` is."""
    assert np.shape(g) == np.shape(a32), f"{what}: shape {np.shape(g)}"
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(
        np.asarray(g, dtype=np.float64),
        expected,
        rtol=RTOL,
        atol=ATOL * scale,
        err_msg=what,
    )
    wants_float32 = (
        isinstance(a32, (np.ndarray, np.floating)) and a32.dtype == np.float32
    )
    if wants_float32 and np.asarray(g).dtype != np.float32:
        raise NotFloat32(f"{what}: dtype {np.asarray(g).dtype}, not float32")


def check_vjp32(f, args64: tuple, argnums, seed: int = 0) -> None:
    """``adgen.vjp`` on float32 ``args``: the value is the model's own float32 value,
    the pullback of a float32 seed the float64 finite differences of sum(v * f)."""
    args = tuple(to_float32(a) for a in args64)
    out, pullback = adgen.vjp(f, wrt=tuple(argnums))(*args)
    own = f(*args)
    assert np.asarray(out).dtype == np.asarray(own).dtype == np.float32
    np.testing.assert_allclose(out, own, rtol=1e-6, atol=1e-6, err_msg="value")
    v = np.random.default_rng(seed + 1000).standard_normal(np.shape(out))
    grads = pullback(v.astype(np.float32))
    point = widened(args)
    for k, g in zip(argnums, grads, strict=True):
        expected = numerical_grad(lambda *a: np.sum(v * f(*a)), point, k)
        assert_float32_gradient(g, args[k], expected, f"gradient of argument {k}")


def check_grad32(f, args64: tuple, argnums) -> None:
    """``adgen.grad`` of a scalar ``f`` on float32 ``args``, against finite differences."""
    args = tuple(to_float32(a) for a in args64)
    grads = adgen.grad(f, wrt=tuple(argnums))(*args)
    point = widened(args)
    for k, g in zip(argnums, grads, strict=True):
        expected = numerical_grad(f, point, k)
        assert_float32_gradient(g, args[k], expected, f"gradient of argument {k}")


# --- unary functions: sin ... expit, abs, unary minus (rules_models/elementwise.py) ---
@pytest.mark.parametrize("f, gen", rules.UNARY)
def test_unary_array(f, gen):
    check_vjp32(f, (gen((3, 4), 1),), (0,))


@pytest.mark.parametrize("f, gen", rules.UNARY)
def test_unary_array_forward_mode(f, gen):
    """``adgen.jvp`` (the same rule, g replaced by the tangent) along a float32
    tangent: a float32 tangent of the output, the float64 central difference."""
    x = gen((3, 4), 3).astype(np.float32)
    t32 = np.random.default_rng(4).standard_normal((3, 4)).astype(np.float32)
    out, out_dot = adgen.jvp(f, wrt=(0,))(x, t32)
    assert np.asarray(out).dtype == np.asarray(out_dot).dtype == np.float32
    point, t, h = x.astype(np.float64), t32.astype(np.float64), 1e-6
    expected = (f(point + h * t) - f(point - h * t)) / (2 * h)
    scale = max(1.0, float(np.max(np.abs(expected))))
    np.testing.assert_allclose(out_dot, expected, rtol=RTOL, atol=ATOL * scale)


def with_marks(params: list, marks: dict) -> list:
    """``params`` (pytest.param rows) with the marks ``marks`` gives their ids."""
    return [
        pytest.param(*p.values, id=p.id, marks=[*p.marks, *marks.get(p.id, [])])
        for p in params
    ]


@pytest.mark.parametrize(
    "f, gen",
    with_marks(
        rules.UNARY,
        {"unary-minus": [CONSTANT_GRADIENT], "negative": [CONSTANT_GRADIENT]},
    ),
)
def test_unary_float32_scalar(f, gen):
    """A 0-d float32 (np.float32) in: grad_f's float path must keep it float32."""
    x = np.float32(gen((), 2))
    (g,) = adgen.grad(f, wrt=(0,))(x)
    expected = numerical_grad(f, (float(x),), 0)
    assert_float32_gradient(g, x, expected, "gradient")


# --- binary operations, broadcast (rules_models/broadcast_*.py) ---------------------
# A few shape pairs of test_rules.COMBOS: same shape, a broadcast row, an outer
# broadcast of both, and a Python-float operand on either side.
COMBOS = ("34_34", "34_4", "31_14", "34_s", "s_34")
BINARY = [
    pytest.param(
        op,
        combo,
        id=f"{op}-{combo}",
        marks=[PYTHON_FLOAT_BASE] if op in ("pow", "power") and combo == "s_34" else [],
    )
    for op in rules.OPS
    for combo in COMBOS
]


@pytest.mark.parametrize("op, combo", BINARY)
def test_binary_unannotated(op, combo):
    args, wrt = rules.binary_inputs(op, combo)
    check_vjp32(rules.broadcast_model("bu", op), args, wrt)


@pytest.mark.parametrize("op, combo", BINARY)
def test_binary_annotated(op, combo):
    args, wrt = rules.binary_inputs(op, combo)
    check_vjp32(rules.broadcast_model("bc", op, combo), args, wrt)


@pytest.mark.parametrize("op", rules.OPS)
def test_binary_scalar_loss(op):
    """Under a scalar loss (grad_f, seed 1.0): the sum(sin(...)) models."""
    args, wrt = rules.binary_inputs(op, "34_4")
    check_grad32(rules.broadcast_model("bl", op), args, wrt)


# --- where, clip (rules_models/arithmetic.py) -----------------------------------------
def test_where_with_computed_condition():
    x, y = rules.away_from_zero((3, 4), 12), rules.ANY((3, 4), 13)
    check_vjp32(w_leaky, (x,), (0,))
    x = np.where(np.abs(x - y) < 1e-3, x + 0.01, x)
    check_vjp32(w_scalar_branch, (x, y), (0, 1))
    x = np.where(np.abs(x - 0.3) < 1e-3, x + 0.01, x)
    check_vjp32(w_both, (x, y), (0, 1))


def test_clip():
    x = rules.clip_input((3, 4), -0.5, 0.7, 14)
    check_vjp32(c_clip, (x, -0.5, 0.7), (0, 1, 2))
    check_vjp32(c_clip_const, (x,), (0,))
    lo = np.array([-0.5, -1.0, 0.0, -0.2])
    hi = np.array([[0.7], [1.1], [0.3]])
    x = np.random.default_rng(15).uniform(-2, 2, (3, 4))
    x = np.where((np.abs(x - lo) < 1e-2) | (np.abs(x - hi) < 1e-2), x + 0.05, x)
    check_vjp32(c_clip_arrays, (x, lo, hi), (0, 1, 2))


# --- copy: the values a loop carries (rules_models/control_flow.py) -------------------
def test_copy_of_loop_carried_values():
    x, w = rules.R(4, seed=80), rules.R(4, seed=81)
    check_grad32(control_flow.for_range, (x, w, 3), (0, 1))
