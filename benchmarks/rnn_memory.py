"""Peak extra memory of a 50-step recurrent network's gradient: adgen's, compiled
from benchmarks/rnn.py as written, beside hand-written backpropagation through
time (which keeps one state per step), each beside its own forward pass.

    python benchmarks/rnn_memory.py
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from rnn import STEPS, rnn
from workloads import compile_model

BATCH, HIDDEN, INPUTS = 64, 128, 32


def arguments(seed: int = 0) -> tuple:
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)
    U = rng.standard_normal((INPUTS, HIDDEN)) / np.sqrt(INPUTS)
    b = rng.standard_normal(HIDDEN) * 0.1
    xs = rng.standard_normal((STEPS, BATCH, INPUTS))
    h0 = np.zeros((BATCH, HIDDEN))
    return W, U, b, xs, h0


def hand_grad(W, U, b, xs, h0):
    """Backpropagation through time, as a careful person writes it."""
    states = [h0]
    for t in range(STEPS):
        states.append(np.tanh(states[-1] @ W + xs[t] @ U + b))
    h_bar = 2 * states[-1]
    W_bar, U_bar, b_bar = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    for t in reversed(range(STEPS)):
        z_bar = h_bar * (1 - states[t + 1] ** 2)
        W_bar += states[t].T @ z_bar
        U_bar += xs[t].T @ z_bar
        b_bar += z_bar.sum(axis=0)
        h_bar = z_bar @ W.T
    return W_bar, U_bar, b_bar


def peak_extra_mb(fn: Callable[[], object]) -> float:
    """Peak memory allocated while ``fn`` runs, above what was allocated before."""
    fn()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def print_memory() -> None:
    args = arguments()
    adgen = compile_model(HERE / "rnn.py", "rnn")
    got, want = adgen.grad_rnn(*args), hand_grad(*args)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)
    forward = peak_extra_mb(lambda: rnn(*args))
    print(
        f"\nPeak extra memory, {STEPS}-step RNN, batch {BATCH}, {HIDDEN} hidden "
        f"(benchmarks/rnn.py as written; one state is {BATCH * HIDDEN * 8 / 2**20:.2f} MiB):"
    )
    for name, grad in (("adgen grad_rnn", adgen.grad_rnn), ("hand-written", hand_grad)):
        g = peak_extra_mb(lambda grad=grad: grad(*args))
        print(
            f"  {name:20} gradient {g:7.2f} MiB   forward {forward:7.2f} MiB   ratio {g / forward:5.2f}"
        )


if __name__ == "__main__":
    print_memory()
