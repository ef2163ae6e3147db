"""Logistic regression trained on a chunked dask array, through a dask.distributed cluster.

    python examples/dask_logistic.py            # a local cluster, 100 000 rows

The data never exists as one array: ``X`` and ``y`` are made chunk by chunk on
the workers, and each step's gradient is adgen's array-API code run on the
dask arrays (``adgen.grad`` sees dask arguments and picks that code): a lazy
graph of per-chunk products and sums, computed on the cluster, of which only
the 3 + 1 gradient numbers come back.  Point ``Client`` at a real scheduler
(``Client("tcp://...")``) and the same code runs on a cluster.
"""

from __future__ import annotations

import dask
import dask.array as da
import numpy as np

import adgen


@adgen.wrt("w", "b")
@adgen.shapes(X="n 3", y="n", w="3", b="()")
def log_loss(X, y, w, b):
    """Mean logistic loss, labels y in {-1, 1}."""
    z = X @ w + b
    return np.mean(np.log1p(np.exp(-y * z)))


TRUE_W, TRUE_B = np.array([1.5, -2.0, 0.5]), 0.25


def make_data(rows: int, chunk: int, seed: int = 0) -> tuple[da.Array, da.Array]:
    """Features and labels made chunk by chunk on the workers (never one array)."""
    rng = da.random.default_rng(seed)
    X = rng.normal(size=(rows, 3), chunks=(chunk, 3))
    noise = rng.logistic(size=rows, chunks=chunk)
    y = da.where(X @ TRUE_W + TRUE_B + noise > 0, 1.0, -1.0)
    return X, y


def train(X, y, steps: int = 50, rate: float = 1.0) -> tuple[np.ndarray, float]:
    """Gradient descent: each step one lazy gradient, computed on the cluster."""
    grad = adgen.grad(log_loss)
    w, b = np.zeros(3), np.asarray(0.0)
    for _ in range(steps):
        gw, gb = dask.compute(*grad(X, y, w, b))  # dask arrays in: lazy gradients
        w, b = w - rate * gw, b - rate * gb
    return w, float(b)


def main(rows: int = 100_000, chunk: int = 10_000, steps: int = 30) -> None:
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
        X, y = make_data(rows, chunk)
        w, b = train(X, y, steps)
    print(f"w = {np.round(w, 2)} (true {TRUE_W}), b = {b:.2f} (true {TRUE_B})")


if __name__ == "__main__":
    main()
