"""adgen.testing.check_grads must catch a wrong derivative rule."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from adgen import api
from adgen.primitives import PRIMITIVES
from adgen.testing import InconclusiveCheck, check_grads


def wave(x):
    return np.sum(np.sin(x) * x)


@pytest.fixture
def wrong_sin_rule(monkeypatch):
    """sin's rule patched with a wrong factor: 2 * cos instead of cos."""
    wrong = (lambda g, ans, x, ctx: g * (2 * ctx.lib.cos(x)),)
    monkeypatch.setitem(PRIMITIVES, "sin", replace(PRIMITIVES["sin"], vjp=wrong))
    api.clear_cache()
    yield
    api.clear_cache()


def test_checker_passes_the_right_rule():
    check_grads(wave, (np.linspace(-1, 1, 5),))


def test_checker_fails_a_wrong_rule(wrong_sin_rule):
    with pytest.raises(AssertionError, match="gradient mismatch"):
        check_grads(wave, (np.linspace(-1, 1, 5),))


def test_checker_fails_a_wrong_gradient_along_random_directions():
    x = np.linspace(-1, 1, 100)  # above the full-check limit: random directions
    with pytest.raises(AssertionError, match="direction"):
        check_grads(wave, (x,), grad_fn=lambda x: np.cos(x) * x)


def test_checker_rejects_wrong_shapes():
    with pytest.raises(AssertionError, match="shape"):
        check_grads(wave, (np.ones(3),), grad_fn=lambda x: np.ones(4))


def test_checker_passes_sin_at_a_large_x():
    """Near 1e9 floats are 1.2e-7 apart: a fixed step of 1e-6 is quantized by ~5%."""
    check_grads(wave, (np.array([1e9, -3e8, 2.0]),))


def test_checker_passes_a_square_at_a_large_x():
    """x * x near 1e9 is ~1e18, whose rounding swamps a small absolute step."""
    check_grads(lambda x: x * x, (1e9,), grad_fn=lambda x: 2.0 * x)


def test_checker_still_fails_wrong_gradients_at_a_large_x():
    with pytest.raises(AssertionError, match="gradient mismatch"):
        check_grads(np.sin, (1e9,), grad_fn=lambda x: 1.001 * np.cos(x))
    with pytest.raises(AssertionError, match="gradient mismatch"):
        check_grads(lambda x: x * x, (1e9,), grad_fn=lambda x: 2.0 * x * (1 + 1e-4))


def test_checker_is_inconclusive_where_f_is_nan():
    # log(-1) is nan: no reference, so neither a pass nor a "mismatch" (1/x is right)
    with pytest.raises(InconclusiveCheck, match="f is not finite"):
        check_grads(np.log, (-1.0,), grad_fn=lambda x: 1.0 / x)


def test_checker_is_inconclusive_where_the_reference_is_too_noisy():
    with pytest.raises(InconclusiveCheck, match="error estimate"):
        check_grads(
            lambda x: np.sin(1e6 * x),
            (0.3,),
            grad_fn=lambda x: 1e6 * np.cos(1e6 * x),  # right, by hand
        )
