"""The numpy functions added as one record each, end to end: through the CLI and
the API, in reverse and forward mode, against autograd.

Adding an elementwise numpy function to adgen is one ``numpy_unary`` record in
adgen/primitives/elementwise.py plus its models (tests/rules_models/:
``u_<name>`` in elementwise.py, checked against finite differences by
tests/test_rules.py and, in forward mode, tests/test_forward.py; ``so_<name>``
in second_order.py, checked against autograd by tests/test_higher_order.py).
This file adds the CLI: the emitted module, imported, against autograd.
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
from conftest import ROOT

from adgen.cli import main

autograd = pytest.importorskip("autograd")  # the test extra installs it
anp = pytest.importorskip("autograd.numpy")

MODELS = ROOT / "tests" / "rules_models"
X = np.random.default_rng(7).uniform(0.3, 0.9, (2, 2, 3))

# model in second_order.py -> the same function of x * y, written for autograd
ADDED = {
    "so_reciprocal": lambda x, y: anp.sum(anp.reciprocal(x * y)),
    "so_arcsinh": lambda x, y: anp.sum(anp.arcsinh(x * y)),
}


@pytest.fixture(scope="module")
def emitted(tmp_path_factory):
    """second_order.py's models of the added functions, compiled by ``adgen compile``."""
    folder = tmp_path_factory.mktemp("added")
    spec = f"{MODELS / 'second_order.py'}:{','.join(ADDED)}"
    assert main(["compile", spec, "-o", str(folder), "--mode", "both"]) == 0
    path = folder / "second_order_grad.py"
    module_spec = importlib.util.spec_from_file_location("added_grad", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("model", sorted(ADDED))
def test_cli_gradient_matches_autograd(emitted, model):
    x, y = X
    got = getattr(emitted, f"grad_{model}")(x, y)
    expected = autograd.grad(ADDED[model], (0, 1))(x, y)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-12)


@pytest.mark.parametrize("model", sorted(ADDED))
def test_cli_tangent_matches_autograd(emitted, model):
    x, y = X
    x_dot, y_dot = np.random.default_rng(8).normal(size=(2, 2, 3))
    value, tangent = getattr(emitted, f"jvp_{model}")(x, y, x_dot, y_dot)
    gx, gy = autograd.grad(ADDED[model], (0, 1))(x, y)
    np.testing.assert_allclose(value, ADDED[model](x, y), rtol=1e-12)
    np.testing.assert_allclose(tangent, np.sum(gx * x_dot + gy * y_dot), rtol=1e-12)


def test_math_asinh_through_the_api():
    """math.asinh is the same record as np.arcsinh: a Python float in, a float out."""
    from rules_models.scalars import m_asinh

    import adgen

    for x in (-1.7, 0.0, 2.5):
        value, grad = adgen.value_and_grad(m_asinh)(x)
        assert type(value) is float and value == math.asinh(x)
        assert grad == pytest.approx(1 / math.sqrt(x * x + 1), rel=1e-15)
