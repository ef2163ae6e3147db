"""adgen's array-API gradient against torch and jax.jit on one device (a GPU machine).

    python benchmarks/gpu.py                 # MLP, batch 1024, widths 1024, float32
    python benchmarks/gpu.py --dry-run       # tiny sizes on the CPU: checks, times nothing real

The model is a two-hidden-layer tanh MLP with a squared-error loss.  adgen's
gradient is the code ``adgen compile --target array-api`` writes, called
through ``adgen.grad`` on the device's arrays (torch tensors; CuPy arrays too
where CuPy is installed); the peers are ``torch.autograd`` on the same tensors
and ``jax.jit(jax.grad)`` on JAX's default device.  Each gradient is checked
against torch's before it is timed; times are the median of ``--repeat`` runs
after a warm-up, with the device synchronized around each run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import adgen


@adgen.wrt("W1", "b1", "W2", "b2", "W3")
@adgen.shapes(X="n d", T="n 1", W1="d h", b1="h", W2="h h", b2="h", W3="h 1")
def mlp(X, T, W1, b1, W2, b2, W3):
    """Two tanh layers, a linear output, mean squared error."""
    H1 = np.tanh(X @ W1 + b1)
    H2 = np.tanh(H1 @ W2 + b2)
    return np.mean((H2 @ W3 - T) ** 2)


def problem(batch: int, width: int, seed: int = 0) -> list[np.ndarray]:
    """float32 inputs, targets and weights (scaled so tanh is not saturated)."""
    rng = np.random.default_rng(seed)
    shapes = [(batch, width), (batch, 1), (width, width), (width,)]
    shapes += [(width, width), (width,), (width, 1)]
    scale = [1.0, 1.0, width**-0.5, 0.1, width**-0.5, 0.1, width**-0.5]
    return [
        (s * rng.normal(size=shape)).astype(np.float32)
        for s, shape in zip(scale, shapes, strict=True)
    ]


def torch_runner(
    args: list[np.ndarray], device: str
) -> tuple[Callable, Callable, Callable]:
    """adgen on torch tensors, torch.autograd, and the device's synchronize."""
    import torch

    tensors = [torch.asarray(a, device=device) for a in args]
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    adgen_grad = adgen.grad(mlp)

    def reference():
        leaves = [t.clone().requires_grad_(i >= 2) for i, t in enumerate(tensors)]
        X, T, W1, b1, W2, b2, W3 = leaves
        H2 = torch.tanh(torch.tanh(X @ W1 + b1) @ W2 + b2)
        ((H2 @ W3 - T) ** 2).mean().backward()
        return [t.grad for t in leaves[2:]]

    return (lambda: adgen_grad(*tensors)), reference, sync


def jax_runner(args: list[np.ndarray]) -> tuple[Callable, Callable] | None:
    """jax.jit(jax.grad) on JAX's default device, and its synchronize (None: no JAX)."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None

    def loss(W1, b1, W2, b2, W3, X, T):
        H2 = jnp.tanh(jnp.tanh(X @ W1 + b1) @ W2 + b2)
        return jnp.mean((H2 @ W3 - T) ** 2)

    grad = jax.jit(jax.grad(loss, argnums=(0, 1, 2, 3, 4)))
    arrays = [jnp.asarray(a) for a in [*args[2:], *args[:2]]]
    return (lambda: jax.block_until_ready(grad(*arrays))), (lambda: None)


def cupy_runner(args: list[np.ndarray]) -> tuple[Callable, Callable] | None:
    """adgen on CuPy arrays (None: no CuPy or no CUDA device)."""
    try:
        import cupy
    except ImportError:
        return None
    if cupy.cuda.runtime.getDeviceCount() == 0:
        return None
    arrays = [cupy.asarray(a) for a in args]
    grad = adgen.grad(mlp)
    return (lambda: grad(*arrays)), cupy.cuda.Device().synchronize


def median_ms(run: Callable, sync: Callable, repeat: int) -> float:
    run()  # warm-up: compiles adgen's code, jits JAX's, allocates
    sync()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        sync()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def as_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    if hasattr(x, "get"):  # CuPy
        return x.get()
    return np.asarray(x)


def check(name: str, got, want, rtol: float = 2e-3) -> None:
    """float32 on a GPU sums in another order: agreement to a few units in 1e-3."""
    for g, w in zip(got, want, strict=True):
        w = as_numpy(w)
        scale = np.max(np.abs(w)) or 1.0
        error = np.max(np.abs(as_numpy(g) - w)) / scale
        if error > rtol:
            raise SystemExit(f"{name}: gradient differs from torch's by {error:.2e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--device", default="auto", help="auto (cuda if present), cuda, cpu"
    )
    parser.add_argument("--dry-run", action="store_true", help="tiny sizes on the CPU")
    args = parser.parse_args(argv)
    import torch

    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() and not args.dry_run else "cpu"
    if args.dry_run:
        args.batch, args.width, args.repeat, device = 16, 8, 2, "cpu"
    inputs = problem(args.batch, args.width)
    adgen_run, torch_run, sync = torch_runner(inputs, device)
    want = torch_run()
    rows = [("torch.autograd", median_ms(torch_run, sync, args.repeat))]
    check("adgen (torch tensors)", adgen_run(), want)
    rows.append(("adgen, torch tensors", median_ms(adgen_run, sync, args.repeat)))
    for name, runner in [
        ("adgen, CuPy arrays", cupy_runner),
        ("jax.jit(jax.grad)", jax_runner),
    ]:
        found = runner(inputs)
        if found is None:
            print(
                f"{name}: skipped ({'CuPy or a CUDA device' if 'CuPy' in name else 'JAX'} absent)"
            )
            continue
        run, device_sync = found
        check(name, run(), want)
        rows.append((name, median_ms(run, device_sync, args.repeat)))
    print(
        f"MLP gradient, batch {args.batch}, widths {args.width}, float32, torch device {device}"
    )
    for name, ms in rows:
        print(f"  {name:<22} {ms:9.3f} ms   {ms / rows[0][1]:5.2f}x torch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
