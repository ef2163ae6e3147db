"""adgen.testing.check_grads must catch a wrong derivative rule."""

from __future__ import annotations

import numpy as np
import pytest

from adgen import api, rules
from adgen.testing import check_grads


def wave(x):
    return np.sum(np.sin(x) * x)


@pytest.fixture
def wrong_sin_rule(monkeypatch):
    """sin's rule patched with a wrong factor: 2 * cos instead of cos."""
    monkeypatch.setitem(
        rules.RULES, "sin", (lambda g, ans, x, lib: g * (2 * lib.cos(x)),)
    )
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
