"""Lab 7, question 5: fit f(x1, x2) = 2*x1 + x1*x2 on [-1, 1]^2 with the 2-3-1 ReLU network.

The gradients come from the code adgen generated (generated/net_vector_grad.py,
or generated/net_scalar_grad.py with --model scalar).  The predictions on the
lab's 21x21 test grid are saved to <student-id>.mat for the grader.

    python examples/lab7/train.py                      # Adam, then an L-BFGS polish
    python examples/lab7/train.py --optimizer lbfgs    # L-BFGS only (scipy.optimize)
    python examples/lab7/train.py --model scalar       # train the lab-style scalar network
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.io
import scipy.optimize
from lab import loss_and_grad, predict, samples, target, test_grid
from submission import bad_student_id


def initial_theta(rng: np.random.Generator) -> np.ndarray:
    """He initialisation for the ReLU layer, small output weights, zero biases."""
    w_hidden = rng.normal(0.0, np.sqrt(2 / 2), size=6)
    w_out = rng.normal(0.0, np.sqrt(1 / 3), size=3)
    return np.concatenate([w_hidden, w_out, np.zeros(4)])


def adam(theta, X, t, args, log):
    """Mini-batch Adam with the generated gradient; returns the trained theta and loss curve."""
    rng = np.random.default_rng(args.seed + 1)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    b1, b2, step, curve = 0.9, 0.999, 0, []
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(X))
        for start in range(0, len(X), args.batch_size):
            batch = order[start : start + args.batch_size]
            _, g = loss_and_grad(theta, X[batch], t[batch], args.model)
            step += 1
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            theta = theta - args.lr * (m / (1 - b1**step)) / (
                np.sqrt(v / (1 - b2**step)) + 1e-8
            )
        curve.append(loss_and_grad(theta, X, t, args.model)[0])
        if epoch % max(1, args.epochs // 3) == 0 or epoch == args.epochs:
            log(f"  epoch {epoch:5d}/{args.epochs}  train MSE {curve[-1]:.6f}")
    return theta, curve


def lbfgs(theta, X, t, args, log):
    """scipy's L-BFGS-B, with the generated gradient as the Jacobian."""
    curve = []
    result = scipy.optimize.minimize(
        loss_and_grad,
        theta,
        args=(X, t, args.model),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": args.lbfgs_iters, "ftol": 1e-13, "gtol": 1e-10},
        callback=lambda th: curve.append(loss_and_grad(th, X, t, args.model)[0]),
    )
    log(
        f"  L-BFGS: {result.nit} iterations, train MSE {result.fun:.6f} ({result.message})"
    )
    return result.x, curve


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--model",
        choices=["vector", "scalar"],
        default="vector",
        help="which generated network to train",
    )
    p.add_argument(
        "--optimizer", choices=["adam", "lbfgs", "adam+lbfgs"], default="adam+lbfgs"
    )
    p.add_argument(
        "--samples",
        type=int,
        default=1000,
        help="training points drawn uniformly from [-1, 1]^2",
    )
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--batch-size", type=int, default=50)
    p.add_argument("--lr", type=float, default=0.01, help="Adam learning rate")
    p.add_argument("--lbfgs-iters", type=int, default=2000)
    p.add_argument(
        "--restarts",
        type=int,
        default=8,
        help="random initialisations tried; the best is kept",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--student-id",
        default="student",
        help="the .mat file is named <student-id>.mat",
    )
    p.add_argument(
        "--var-name", default="pred", help="variable name inside the .mat file"
    )
    p.add_argument("--out-dir", default=".", help="folder for the .mat file")
    p.add_argument(
        "--no-plots", action="store_true", help="skip the pictures (fit.png, loss.png)"
    )
    p.add_argument("--quiet", action="store_true")
    return p


def parse_args(argv=None) -> argparse.Namespace:
    """The options, checked: a bad value is one line on stderr and exit status 2."""
    args = parser().parse_args(argv)
    counts = {
        "--samples": args.samples,
        "--batch-size": args.batch_size,
        "--restarts": args.restarts,
    }
    problems = [f"{k} must be at least 1, got {v}" for k, v in counts.items() if v < 1]
    problems += [f"{k} must be 0 or more" for k in ("--epochs",) if args.epochs < 0]
    problems += [p for p in [bad_student_id(args.student_id)] if p]
    if problems:
        print(f"train.py: error: {problems[0]}", file=sys.stderr)
        raise SystemExit(2)
    return args


def settings(args: argparse.Namespace) -> dict[str, object]:
    """Question 5's answer: how the network was trained."""
    return {
        "network": f"net_{args.model}.py (2-3-1, ReLU)",
        "optimizer": args.optimizer,
        "samples": f"{args.samples} uniform on [-1, 1]^2, seed {args.seed}",
        "learning rate": f"{args.lr} (Adam)",
        "epochs": f"{args.epochs}, batch {args.batch_size}",
        "L-BFGS": f"up to {args.lbfgs_iters} iterations",
        "restarts": f"{args.restarts}, the best kept",
    }


def main(argv=None):
    args = parse_args(argv)
    log = (lambda *_: None) if args.quiet else print

    rng = np.random.default_rng(args.seed)
    X, t = samples(args.samples, rng)
    log(
        f"settings: model={args.model} optimizer={args.optimizer} samples={args.samples} epochs={args.epochs} "
        f"batch={args.batch_size} lr={args.lr} restarts={args.restarts} seed={args.seed}"
    )
    began = time.perf_counter()
    best = None
    for restart in range(args.restarts):
        log(f"restart {restart + 1}/{args.restarts}")
        theta, curve = initial_theta(rng), []
        if "adam" in args.optimizer:
            theta, curve = adam(theta, X, t, args, log)
        if "lbfgs" in args.optimizer:
            theta, more = lbfgs(theta, X, t, args, log)
            curve += more
        final = loss_and_grad(theta, X, t, args.model)[0]
        if best is None or final < best[0]:
            best = (final, theta, curve)
    train_mse, theta, curve = best

    gx, gy = test_grid()
    pred = np.asarray(predict(theta, gx, gy), dtype=np.float64)
    test_mse = float(np.mean((pred - target(gx, gy)) ** 2))
    out = Path(args.out_dir) / f"{args.student_id}.mat"
    out.parent.mkdir(parents=True, exist_ok=True)
    scipy.io.savemat(out, {args.var_name: pred})
    print(
        f"trained in {time.perf_counter() - began:.1f} s; final train MSE {train_mse:.6f}, "
        f"test MSE on the 21x21 grid {test_mse:.6f}"
    )
    print(f"wrote {out} ({args.var_name}: {pred.shape[0]}x{pred.shape[1]} float64)")
    if not args.no_plots:
        for picture in save_plots(gx, gy, pred, curve, Path(args.out_dir)):
            print(f"wrote {picture}")
    return train_mse, test_mse, theta, curve


def save_plots(gx, gy, pred, curve, folder: Path) -> list[Path]:
    """The fitted surface beside the target, and the loss curve (needs matplotlib)."""
    try:
        from matplotlib.figure import Figure
    except ModuleNotFoundError:
        print("no pictures: matplotlib is not installed (pip install 'adgen[lab]')")
        return []
    fit = Figure(figsize=(10, 4.2), layout="constrained")
    for k, (title, z) in enumerate(
        [("target 2*x1 + x1*x2", target(gx, gy)), ("network", pred)]
    ):
        ax = fit.add_subplot(1, 3, k + 1, projection="3d")
        ax.plot_surface(gx, gy, z, cmap="viridis", linewidth=0)
        ax.set(title=title, xlabel="x1", ylabel="x2")
    ax = fit.add_subplot(1, 3, 3)
    image = ax.imshow(
        pred - target(gx, gy), origin="lower", extent=(-1, 1, -1, 1), cmap="coolwarm"
    )
    ax.set(title="network - target", xlabel="x1", ylabel="x2")
    fit.colorbar(image, ax=ax, shrink=0.8)
    loss = Figure(figsize=(5, 3.5), layout="constrained")
    ax = loss.add_subplot()
    ax.semilogy(curve)
    ax.set(
        title="training loss (best restart)",
        xlabel="epoch / L-BFGS iteration",
        ylabel="train MSE",
    )
    paths = [folder / "fit.png", folder / "loss.png"]
    fit.savefig(paths[0], dpi=110)
    loss.savefig(paths[1], dpi=110)
    return paths


if __name__ == "__main__":
    main()
