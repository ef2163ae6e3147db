"""GPUs: adgen's array-API gradient on torch CUDA tensors and CuPy arrays, against
torch's autograd (skipped, with the reason, where no GPU is present), and the GPU
benchmark's CPU dry run (benchmarks/gpu.py --dry-run), which must always work."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

torch = pytest.importorskip("torch", reason="torch (the bench/export extra) absent")
sys.path.insert(0, str(ROOT / "benchmarks"))

import gpu  # noqa: E402

import adgen  # noqa: E402

NO_CUDA = "no CUDA GPU here (torch.cuda.is_available() is False)"


def _cupy_device() -> str | None:
    """Why CuPy cannot run here, or None where it can."""
    try:
        import cupy
    except ImportError:
        return "CuPy is not installed"
    try:
        return None if cupy.cuda.runtime.getDeviceCount() > 0 else "no CUDA device"
    except Exception as error:  # CuPy without a driver raises its own error types
        return f"CuPy sees no CUDA device ({error})"


def _torch_reference(inputs: list[np.ndarray]) -> list[np.ndarray]:
    _, reference, _ = gpu.torch_runner(inputs, "cpu")
    return [g.numpy() for g in reference()]


@pytest.mark.skipif(not torch.cuda.is_available(), reason=NO_CUDA)
def test_torch_cuda_tensors_give_torch_autograd_gradients_on_the_gpu():
    inputs = gpu.problem(batch=64, width=32)
    grads = adgen.grad(gpu.mlp)(*(torch.asarray(a, device="cuda") for a in inputs))
    assert all(g.device.type == "cuda" for g in grads)
    for got, want in zip(grads, _torch_reference(inputs), strict=True):
        np.testing.assert_allclose(got.cpu().numpy(), want, rtol=2e-4, atol=1e-6)


@pytest.mark.skipif(_cupy_device() is not None, reason=str(_cupy_device()))
def test_cupy_arrays_give_torch_autograd_gradients_on_the_gpu():
    import cupy

    inputs = gpu.problem(batch=64, width=32)
    grads = adgen.grad(gpu.mlp)(*(cupy.asarray(a) for a in inputs))
    assert all(isinstance(g, cupy.ndarray) for g in grads)
    for got, want in zip(grads, _torch_reference(inputs), strict=True):
        np.testing.assert_allclose(got.get(), want, rtol=2e-4, atol=1e-6)


def test_benchmark_dry_run_checks_every_peer_on_the_cpu():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/gpu.py"), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "torch device cpu" in done.stdout
    assert "adgen, torch tensors" in done.stdout and "torch.autograd" in done.stdout
