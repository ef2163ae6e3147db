"""Lab 7 end to end: questions 3 and 4 computed by the generated code, checked by hand-written
numpy and finite differences; training lowers the loss; the .mat file is what the grader reads.

The generated code is compiled afresh for each test by the compiler under test (the
``lab`` fixture), not read from the committed ``generated/``: a change to a rule must
show here.  That ``generated/`` equals what the compiler writes today is
tests/test_cli.py's ``test_committed_generated_folder_is_up_to_date``.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
import scipy.io

from adgen.cli import main as adgen_main

LAB_MODULES = (
    "lab",
    "questions",
    "train",
)  # examples/lab7's code, which imports the grads


def compile_fresh(model, out) -> object:
    """``adgen compile model -o out``, then the written module, imported."""
    assert adgen_main(["compile", str(model), "-o", str(out)]) == 0
    name = f"{model.stem}_grad"
    spec = importlib.util.spec_from_file_location(name, out / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def lab(lab_path, tmp_path, monkeypatch):
    """examples/lab7/lab.py with net_scalar_grad and net_vector_grad compiled now:
    they sit in sys.modules before lab.py's ``import net_scalar_grad`` runs, so the
    committed generated/ files are never read."""
    for stem in ("net_scalar", "net_vector"):
        fresh = compile_fresh(lab_path / f"{stem}.py", tmp_path / "gen")
        monkeypatch.setitem(sys.modules, f"{stem}_grad", fresh)
    saved = {m: sys.modules.pop(m) for m in LAB_MODULES if m in sys.modules}
    import lab

    assert lab.net_scalar_grad is sys.modules["net_scalar_grad"]
    assert lab.net_vector_grad is sys.modules["net_vector_grad"]
    yield lab
    for m in LAB_MODULES:  # the next test imports them again, with its own grads
        sys.modules.pop(m, None)
    sys.modules.update(saved)


def hand_written_net(x1, x2, theta):
    """The lab's network in plain numpy, independent of adgen."""
    W = theta[:6].reshape(3, 2)
    v, b, c = theta[6:9], theta[9:12], theta[12]
    z = W[:, 0] * np.asarray(x1)[..., None] + W[:, 1] * np.asarray(x2)[..., None] + b
    return np.maximum(z, 0) @ v + c


def test_question_3_and_4_at_the_relu_kink(lab):
    from questions import answers

    value, (d1, d2) = answers()
    theta = np.array([1.0] * 9 + [0.0] * 4)
    assert value == hand_written_net(2.0, -2.0, theta) == 0.0
    # every pre-activation is exactly 0: with ReLU'(0) = 0 nothing flows back
    assert (d1, d2) == (0.0, 0.0)


def test_gradient_in_x_matches_finite_differences_away_from_the_kink(lab):
    net_scalar_grad = lab.net_scalar_grad

    rng = np.random.default_rng(3)
    theta = rng.standard_normal(13)
    x1, x2, h = 0.3, -0.7, 1e-6
    g = net_scalar_grad.grad_net(x1, x2, *theta)
    fd = [
        (hand_written_net(x1 + h, x2, theta) - hand_written_net(x1 - h, x2, theta))
        / (2 * h),
        (hand_written_net(x1, x2 + h, theta) - hand_written_net(x1, x2 - h, theta))
        / (2 * h),
    ]
    np.testing.assert_allclose(g, fd, rtol=1e-6)


@pytest.mark.parametrize("model", ["vector", "scalar"])
def test_loss_gradient_of_both_networks_matches_finite_differences(lab, model):
    loss_and_grad, samples = lab.loss_and_grad, lab.samples

    rng = np.random.default_rng(4)
    X, t = samples(50, rng)
    theta = rng.standard_normal(13)
    value, g = loss_and_grad(theta, X, t, model)
    assert value == pytest.approx(
        np.mean((hand_written_net(X[:, 0], X[:, 1], theta) - t) ** 2)
    )
    h = 1e-6
    fd = np.array(
        [
            (
                loss_and_grad(theta + h * e, X, t, model)[0]
                - loss_and_grad(theta - h * e, X, t, model)[0]
            )
            / (2 * h)
            for e in np.eye(13)
        ]
    )
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-8)


def test_short_training_run_lowers_the_loss_and_writes_the_mat_file(lab, tmp_path):
    test_grid = lab.test_grid
    from train import main

    _train_mse, _test_mse, theta, curve = main(
        [
            "--epochs",
            "5",
            "--restarts",
            "1",
            "--samples",
            "200",
            "--optimizer",
            "adam",
            "--quiet",
            "--student-id",
            "2024000",
            "--var-name",
            "Z",
            "--out-dir",
            str(tmp_path),
        ]
    )
    assert curve[-1] < curve[0]
    saved = scipy.io.loadmat(tmp_path / "2024000.mat")["Z"]
    assert saved.shape == (21, 21) and saved.dtype == np.float64
    gx, gy = test_grid()
    np.testing.assert_allclose(saved, hand_written_net(gx, gy, theta))
    # MATLAB's meshgrid orientation: x varies along columns, y along rows
    assert (
        gx[0, 0] == -1.0
        and gx[0, 1] == pytest.approx(-0.9)
        and gy[1, 0] == pytest.approx(-0.9)
    )
