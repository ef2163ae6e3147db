"""examples/dask_logistic.py: adgen's array-API gradient on chunked dask arrays,
computed on a dask.distributed cluster (in-process: processes=False), equal to the
numpy target's gradient and to the log-loss gradient's closed form."""

from __future__ import annotations

import sys
from pathlib import Path

import dask
import dask.array as da
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster

import adgen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import dask_logistic


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(processes=False, n_workers=1, threads_per_worker=2)
    with cluster, Client(cluster) as c:
        yield c


def closed_form(X, y, w, b):
    """d/dw, d/db of mean(log(1 + exp(-y (Xw + b)))): mean of -y sigmoid(-y z) (X, 1)."""
    s = -y / (1 + np.exp(y * (X @ w + b)))
    return (s[:, None] * X).mean(axis=0), s.mean()


def test_gradient_on_the_cluster_is_lazy_chunked_and_equal_to_numpy(client):
    X, y = dask_logistic.make_data(rows=400, chunk=100)
    w, b = np.array([0.3, -0.2, 0.1]), np.asarray(0.05)
    grad = adgen.grad(dask_logistic.log_loss)
    lazy = grad(X, y, w, b)
    assert all(isinstance(g, da.Array) for g in lazy)  # nothing computed yet
    layers = [name for g in lazy for name in g.dask.layers]
    # the 4 row chunks are reduced one by one: nothing joins or rechunks them
    assert X.numblocks == (4, 1)
    assert not [n for n in layers if n.startswith(("rechunk", "concatenate"))]
    got = dask.compute(*lazy)
    Xn, yn = dask.compute(X, y)
    numpy_grads = grad(Xn, yn, w, b)  # numpy in: the numpy target's code
    assert isinstance(numpy_grads[0], np.ndarray)
    for g, n, c in zip(got, numpy_grads, closed_form(Xn, yn, w, b), strict=True):
        np.testing.assert_allclose(g, n, rtol=1e-12)
        np.testing.assert_allclose(g, c, rtol=1e-10)


def test_training_on_the_cluster_follows_numpy_training(client):
    """Five steps of gradient descent on the cluster land where numpy's do."""
    X, y = dask_logistic.make_data(rows=2000, chunk=500)
    w, b = dask_logistic.train(X, y, steps=5, rate=2.0)
    w_numpy, b_numpy = dask_logistic.train(*dask.compute(X, y), steps=5, rate=2.0)
    np.testing.assert_allclose(w, w_numpy, rtol=1e-10)
    np.testing.assert_allclose(b, b_numpy, rtol=1e-10)
    assert np.all(np.sign(w) == np.sign(dask_logistic.TRUE_W))  # it learns
