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

import runpy
from pathlib import Path

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
from adgen.cli import main
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


@pytest.mark.parametrize("f, gen", rules.UNARY)
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


# --- constant gradients of a 0-d float32 (issue 12, item 11) ---------------------------
CONSTANT_GRADIENTS = """
import numpy as np


def negated(x):
    return -x


def negative(x):
    return np.negative(x)


def same(x):
    return x


def scaled(x):
    return 2.0 * x - x / 4.0


def shifted(x):
    return 1.0 - x
"""


@pytest.fixture(scope="module")
def constant_gradients(tmp_path_factory):
    """The models above, as the command line compiles them (grad_f is fused, and
    its seed 1.0 folded: d(-x)/dx would be the Python float -1.0)."""
    folder = tmp_path_factory.mktemp("constant_gradients")
    model = folder / "constant_gradients.py"
    model.write_text(CONSTANT_GRADIENTS)
    assert main(["compile", str(model), "-o", str(folder), "--mode", "both"]) == 0
    generated = runpy.run_path(str(folder / "constant_gradients_grad.py"))
    return runpy.run_path(str(model)), generated


@pytest.mark.parametrize("name", ["negated", "negative", "same", "scaled", "shifted"])
def test_constant_gradient_of_a_float32_scalar(name, constant_gradients):
    """grad_f and value_and_grad_f of the compiled module keep a 0-d float32's dtype."""
    model, generated = constant_gradients
    for x in (np.float32(0.75), np.array(0.75, np.float32)):
        expected = numerical_grad(model[name], (float(x),), 0)
        for sweep in (generated[f"grad_{name}"], generated[f"value_and_grad_{name}"]):
            result = sweep(x)
            (g,) = result if sweep.__name__.startswith("grad_") else result[1]
            assert_float32_gradient(g, x, expected, sweep.__name__)
        _, derivative = generated[f"jvp_{name}"](x, np.float32(1.0))
        assert_float32_gradient(derivative, x, expected, "jvp_f")


# --- forward mode through a loop that starts at a Python float (issue 12, item 11) ----
LOOPS = [
    pytest.param(control_flow.for_range_index, (rules.R(5, seed=90),), id="s=0.0"),
    pytest.param(
        control_flow.for_rows,
        (rules.R(3, 4, seed=91), rules.R(4, seed=92)),
        id="total=0.0",
    ),
]


@pytest.mark.parametrize("f, args64", LOOPS)
def test_forward_mode_of_a_sum_started_at_a_python_float(f, args64):
    """``s = 0.0; for ...: s = s + ...``: the tangent of the Python float 0.0 is
    0.0, so the float32 tangents the loop adds stay float32 (np.zeros_like(0.0)
    would be a float64 array).  The values: float64 central differences."""
    args = tuple(to_float32(a) for a in args64)
    wrt = tuple(range(len(args)))
    rng = np.random.default_rng(93)
    tangents = [rng.standard_normal(np.shape(a)).astype(np.float32) for a in args]
    out, out_dot = adgen.jvp(f, wrt=wrt)(*args, *tangents)
    assert np.asarray(out).dtype == np.asarray(out_dot).dtype == np.float32
    point, h = widened(args), 1e-6
    moved = [
        [
            p + sign * h * t.astype(np.float64)
            for p, t in zip(point, tangents, strict=True)
        ]
        for sign in (1, -1)
    ]
    expected = (f(*moved[0]) - f(*moved[1])) / (2 * h)
    np.testing.assert_allclose(out_dot, expected, rtol=RTOL, atol=ATOL)
    grads = adgen.grad(f, wrt=wrt, mode="forward")(*args)
    for k, g in enumerate(grads):
        expected = numerical_grad(f, point, k)
        assert_float32_gradient(g, args[k], expected, f"forward gradient {k}")


def test_compiled_jvp_of_a_sum_started_at_a_python_float(tmp_path):
    """The same through ``adgen compile --mode forward``."""
    source = Path(control_flow.__file__)
    assert main(["compile", str(source), "-o", str(tmp_path), "--mode", "forward"]) == 0
    generated = runpy.run_path(str(tmp_path / "control_flow_grad.py"))
    for f, args64 in (p.values for p in LOOPS):
        args = tuple(to_float32(a) for a in args64)
        tangents = [np.ones_like(a) for a in args]
        _, out_dot = generated[f"jvp_{f.__name__}"](*args, *tangents)
        assert np.asarray(out_dot).dtype == np.float32, f.__name__
        point = widened(args)
        expected = sum(np.sum(numerical_grad(f, point, k)) for k in range(len(args)))
        np.testing.assert_allclose(out_dot, expected, rtol=RTOL, atol=ATOL)
