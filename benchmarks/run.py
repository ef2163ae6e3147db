"""Time adgen's generated gradients against hand-written numpy backprop, in one process.

    python benchmarks/run.py            # median of many runs, single-threaded BLAS
    python benchmarks/run.py --quick    # fewer runs

Every gradient is checked against the hand-written one before it is timed.
Columns: median µs of hand-written numpy backprop and of adgen's grad_f, their
ratio, and grad_f over the model function's own forward pass (the cheap
gradient principle). Peers (autograd, torch, jax) join in a later change.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = (
        "1"  # before numpy loads: one thread, as the table is measured
    )

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from adgen.parse import read_source
from adgen.pipeline import compile_source


def load_generated() -> object:
    """Compile benchmarks/models.py (cold, timed) and import the result."""
    began = time.perf_counter()
    code = compile_source(read_source(HERE / "models.py"))
    compile_ms = (time.perf_counter() - began) * 1e3
    path = Path(tempfile.mkdtemp()) / "models_grad.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location("models_grad", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, compile_ms


# --- hand-written references -------------------------------------------------
def hand_lecture(x1, x2):
    import math

    return 1 / x1 + x2, x1 - math.cos(x2)


def hand_mlp(X, Y, W1, b1, W2, b2, W3, b3):
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2 + b2
    h2 = np.maximum(z2, 0)
    logits = h2 @ W3 + b3
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    g = (e / e.sum(axis=1, keepdims=True) - Y) / X.shape[0]
    dW3, db3 = h2.T @ g, g.sum(axis=0)
    d2 = (g @ W3.T) * (z2 > 0)
    dW2, db2 = h1.T @ d2, d2.sum(axis=0)
    d1 = (d2 @ W2.T) * (z1 > 0)
    dW1, db1 = X.T @ d1, d1.sum(axis=0)
    return dW1, db1, dW2, db2, dW3, db3


def median_us(fns: list, args: tuple, repeats: int) -> list[float]:
    """Median µs per call of each function, sampled in alternation so that drift in
    the machine's speed (shared cores, frequency) hits all of them alike."""
    numbers = []
    for fn in fns:
        fn(*args)  # warm up
        numbers.append(
            max(1, int(0.002 / max(_once(fn, args), 1e-9)))
        )  # ~2 ms a sample
    samples: list[list[float]] = [[] for _ in fns]
    for r in range(repeats):
        order = list(range(len(fns)))
        order = order[r % len(fns) :] + order[: r % len(fns)]
        for k in order:
            began = time.perf_counter()
            for _ in range(numbers[k]):
                fns[k](*args)
            samples[k].append((time.perf_counter() - began) / numbers[k])
    return [statistics.median(s) * 1e6 for s in samples]


def _once(fn, args) -> float:
    began = time.perf_counter()
    fn(*args)
    return time.perf_counter() - began


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    repeats = 7 if args.quick else 31
    gen, compile_ms = load_generated()
    sys.path.insert(0, str(HERE))
    import models  # the user's own functions: their forward pass

    rng = np.random.default_rng(0)
    X = rng.standard_normal((128, 784))
    Y = np.eye(10)[rng.integers(0, 10, 128)]
    params = [
        rng.standard_normal((784, 256)) * 0.05,
        np.zeros(256),
        rng.standard_normal((256, 256)) * 0.06,
        np.zeros(256),
        rng.standard_normal((256, 10)) * 0.06,
        np.zeros(10),
    ]
    mlp_args = (X, Y, *params)
    workloads = [
        (
            "lecture f(x1,x2), gradient",
            gen.grad_lecture,
            hand_lecture,
            models.lecture,
            (2.0, 5.0),
        ),
        ("MLP 784-256-256-10, batch 128", gen.grad_mlp, hand_mlp, models.mlp, mlp_args),
    ]
    print(f"adgen cold compile of benchmarks/models.py: {compile_ms:.0f} ms")
    print(
        f"{'workload':34} {'hand µs':>10} {'adgen µs':>10} {'adgen/hand':>11} {'grad/forward':>13}"
    )
    for title, adgen_grad, hand_grad, forward, call_args in workloads:
        for a, b in zip(adgen_grad(*call_args), hand_grad(*call_args), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
        t_hand, t_adgen, t_fwd = median_us(
            [hand_grad, adgen_grad, forward], call_args, repeats
        )
        ratio, cost = t_adgen / t_hand, t_adgen / t_fwd
        print(f"{title:34} {t_hand:10.2f} {t_adgen:10.2f} {ratio:11.2f} {cost:13.2f}")


if __name__ == "__main__":
    main()
