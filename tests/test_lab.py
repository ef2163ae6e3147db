"""Lab 7 end to end: questions 3 and 4 computed by the generated code, checked by hand-written
numpy and finite differences; training lowers the loss; the .mat file is what the grader reads.

The generated code is compiled afresh for each test by the compiler under test (the
``lab`` fixture), not read from the committed ``generated/``: a change to a rule must
show here.  That ``generated/`` equals what the compiler writes today is
tests/test_cli.py's ``test_committed_generated_folder_is_up_to_date``.
"""

from __future__ import annotations

import importlib.util
import re
import sys

import numpy as np
import pytest
import scipy.io

from adgen.cli import main as adgen_main

LAB_MODULES = (
    "lab",
    "questions",
    "train",
    "report",
    "submission",
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


# --- the submission folder: the .mat file, report.pdf, the code ------------------------


def _page_text(page) -> str:
    return "\n".join(t.get_text() for t in page.texts)


def test_report_answers_questions_3_and_4_with_the_generated_lines(lab):
    import report

    text = _page_text(report._value_and_gradient())
    # the values worked by hand: every pre-activation 0, ReLU'(0) = 0
    assert "Q3  y1 = 0." in text and "[dy1/dx1, dy1/dx2] = [0, 0]" in text
    assert "ReLU'(0) = 0" in text
    # the lines of the generated backward sweep that stop the gradient, with values
    assert "h1 = np.maximum(n19, 0)" in text
    assert re.search(r"n19_bar = h1_bar \* \(n19 > 0\) +  = 0\n", text)


def test_submission_folder_has_the_mat_file_the_report_and_the_code(lab, tmp_path):
    import report
    import submission
    import train

    argv = ["--epochs", "2", "--restarts", "1", "--samples", "100"]
    argv += ["--optimizer", "adam", "--quiet", "--no-plots", "--student-id", "s42"]
    train_mse, test_mse, theta, curve = train.main([*argv, "--out-dir", str(tmp_path)])
    grid = lab.test_grid()
    predictions = lab.predict(theta, *grid)
    np.testing.assert_allclose(predictions, hand_written_net(*grid, theta))
    training = report.Training(
        train.settings(train.parse_args(argv)),
        curve,
        grid,
        predictions,
        train_mse,
        test_mse,
    )
    assert "100 uniform" in training.settings["samples"]
    assert training.settings["learning rate"].startswith("0.01")
    graph = tmp_path / "graph.png"
    assert (
        adgen_main(
            ["graph", f"{lab.ROOT}/examples/lab7/net_scalar.py:net", "-o", str(graph)]
        )
        == 0
    )
    pdf = report.write_report(tmp_path / "report.pdf", "s42", graph, training)
    data = pdf.read_bytes()
    assert (
        data.startswith(b"%PDF")
        and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 3
    )
    assert "grid MSE" in _page_text(report._training(training))
    assert "y_1 = \\sum" in _page_text(report._formula_and_graph("s42", graph))
    copied = {p.name for p in submission.copy_code(tmp_path)}
    assert {"net_scalar.py", "net_scalar_grad.py", "train.py"} <= copied
    assert scipy.io.loadmat(tmp_path / "s42.mat")["pred"].shape == (21, 21)


@pytest.mark.parametrize("student_id", ["", "a/b", "..", "x\\y", "-rf"])
def test_a_bad_student_id_is_one_line_and_exit_2(lab_path, student_id):
    import subprocess

    run_lab = lab_path / "run_lab.py"
    done = subprocess.run(
        [sys.executable, str(run_lab), "--student-id", student_id],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "student id" in done.stderr
    assert "Traceback" not in done.stderr and "compile" not in done.stdout


def test_run_lab_help_prints_without_compiling(lab_path):
    import subprocess

    done = subprocess.run(
        [sys.executable, str(lab_path / "run_lab.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "--student-id" in done.stdout
    assert "adgen compile" not in done.stdout.split("train.py's options")[1]
    assert "== compile the models" not in done.stdout


def test_train_refuses_zero_samples_in_one_line(lab_path):
    import subprocess

    done = subprocess.run(
        [sys.executable, str(lab_path / "train.py"), "--samples", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=lab_path,
    )
    assert done.returncode == 2
    assert done.stderr == "train.py: error: --samples must be at least 1, got 0\n"


def test_lab_readme_quotes_the_generated_code_as_it_is(lab_path):
    # the README's quote of backward_net must be the committed file's lines
    readme = (lab_path / "README.md").read_text()
    generated = (lab_path.parents[1] / "generated" / "net_scalar_grad.py").read_text()
    quote = readme.split("# h1 = np.maximum(")[1].split("```")[0].splitlines()
    wanted = ["# h1 = np.maximum(" + quote[0].split(")")[0] + ")"]
    wanted += [line.strip() for line in quote[1:] if line.strip()]
    assert wanted and all(line in generated for line in wanted), wanted
