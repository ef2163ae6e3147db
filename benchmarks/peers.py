"""The peers: the same four workloads differentiated by autograd, PyTorch, JAX and Tangent.

Each model is written once against a small table of operations (``ops``), and
each peer supplies its own table, so every library runs the same arithmetic.
A peer that is not installed (or does not import) is skipped with a note:
``available()`` returns the peers that can run and the notes for the others.

Every peer's gradient function takes and returns what is natural to it (torch
tensors, JAX arrays); ``Peer.to_numpy`` brings results back for the checks.
Inputs are converted to the peer's types once, before timing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

# One thread for JAX's CPU backend too (set before jax is imported).
os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)


# --- the models, once, against an operations table ------------------------------
def lecture(ops, x1, x2):
    return ops.log(x1) + x1 * x2 - ops.sin(x2)


def net_vector(ops, X, T, W1, b1, W2, b2):
    H = ops.relu(X @ W1 + b1)
    Y = H @ W2 + b2
    return ops.mean((Y - T) ** 2)


def net_scalar(
    ops, x1, x2, t, w11, w12, w21, w22, w31, w32, w41, w42, w43, b1, b2, b3, b4
):
    h1 = ops.relu(w11 * x1 + w12 * x2 + b1)
    h2 = ops.relu(w21 * x1 + w22 * x2 + b2)
    h3 = ops.relu(w31 * x1 + w32 * x2 + b3)
    y1 = w41 * h1 + w42 * h2 + w43 * h3 + b4
    return ops.mean((y1 - t) ** 2)


def mlp(ops, X, Y, W1, b1, W2, b2, W3, b3):
    h1 = ops.relu(X @ W1 + b1)
    h2 = ops.relu(h1 @ W2 + b2)
    logits = h2 @ W3 + b3
    logp = logits - ops.logsumexp_rows(logits)
    return -ops.sum(logp * Y) / X.shape[0]


MODELS: dict[str, Callable] = {
    "lecture": lecture,
    "net_vector": net_vector,
    "net_scalar": net_scalar,
    "mlp": mlp,
}


@dataclass
class Prepared:
    """One peer's functions for one workload, on inputs already in the peer's types."""

    grad: Callable[
        [], Any
    ]  # the gradients (or value and gradients), as the peer gives them
    forward: Callable[[], Any]  # the model's value alone


@dataclass
class Peer:
    name: str
    # (model name, numpy args, wrt indices, value_and_grad?) -> Prepared
    prepare: Callable[[str, Sequence[Any], tuple[int, ...], bool], Prepared]
    to_numpy: Callable[[Any], Any]


def available() -> tuple[list[Peer], list[str]]:
    """The installed peers, and a note for each one that is skipped."""
    peers, notes = [], []
    for name, build in (
        ("autograd", _autograd),
        ("torch", _torch),
        ("jax", _jax),
        ("tangent", _tangent),
    ):
        try:
            peers.append(build())
        except ImportError as missing:
            notes.append(f"{name}: not installed ({missing}); skipped")
        except Exception as broken:  # installed, but does not import (tangent on 3.11)
            notes.append(
                f"{name}: installed but does not import on Python "
                f"{_python()} ({type(broken).__name__}: {broken}); skipped"
            )
    return peers, notes


def _python() -> str:
    import sys

    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _nested(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, (tuple, list)):
            return tuple(walk(v) for v in value)
        return convert(value)

    return walk


# --- autograd -----------------------------------------------------------------
def _autograd() -> Peer:
    import autograd
    import autograd.numpy as anp
    from autograd.scipy.special import logsumexp

    ops = SimpleNamespace(
        log=anp.log,
        sin=anp.sin,
        relu=lambda z: anp.maximum(z, 0.0),
        mean=anp.mean,
        sum=anp.sum,
        logsumexp_rows=lambda x: logsumexp(x, axis=1, keepdims=True),
    )

    def prepare(model, args, wrt, with_value):
        def f(*a):
            return MODELS[model](ops, *a)

        make = autograd.value_and_grad if with_value else autograd.grad
        gradient = make(f, wrt if len(wrt) > 1 else wrt[0])
        return Prepared(lambda: gradient(*args), lambda: f(*args))

    return Peer("autograd", prepare, _nested(np.asarray))


# --- PyTorch (CPU, float64) -------------------------------------------------------
def _torch() -> Peer:
    import torch

    torch.set_num_threads(1)
    ops = SimpleNamespace(
        log=torch.log,
        sin=torch.sin,
        relu=torch.relu,
        mean=torch.mean,
        sum=torch.sum,
        logsumexp_rows=lambda x: torch.logsumexp(x, dim=1, keepdim=True),
    )

    def prepare(model, args, wrt, with_value):
        tensors = [
            torch.tensor(a, dtype=torch.float64, requires_grad=i in wrt)
            for i, a in enumerate(args)
        ]
        leaves = [tensors[i] for i in wrt]

        def gradient():
            value = MODELS[model](ops, *tensors)
            grads = torch.autograd.grad(value, leaves)
            return (value.detach(), grads) if with_value else grads

        def forward():
            with torch.no_grad():
                return MODELS[model](ops, *tensors)

        return Prepared(gradient, forward)

    return Peer("torch", prepare, _nested(lambda t: t.detach().numpy()))


# --- JAX, jit-compiled, float64 ---------------------------------------------------
def _jax() -> Peer:
    import jax
    import jax.numpy as jnp
    from jax.scipy.special import logsumexp

    jax.config.update("jax_enable_x64", True)  # the others compute in float64
    ops = SimpleNamespace(
        log=jnp.log,
        sin=jnp.sin,
        relu=jax.nn.relu,
        mean=jnp.mean,
        sum=jnp.sum,
        logsumexp_rows=lambda x: logsumexp(x, axis=1, keepdims=True),
    )

    def prepare(model, args, wrt, with_value):
        def f(*a):
            return MODELS[model](ops, *a)

        make = jax.value_and_grad if with_value else jax.grad
        gradient = jax.jit(make(f, argnums=wrt if len(wrt) > 1 else wrt[0]))
        forward = jax.jit(f)
        on_device = [jax.device_put(jnp.asarray(a, dtype=jnp.float64)) for a in args]
        # jit dispatches asynchronously: time until the result exists.
        return Prepared(
            lambda: jax.block_until_ready(gradient(*on_device)),
            lambda: jax.block_until_ready(forward(*on_device)),
        )

    return Peer("jax.jit", prepare, _nested(np.asarray))


# --- Tangent (source-to-source, Google, 2017) ------------------------------------
def _tangent() -> Peer:
    import tangent  # its gast use predates Python 3.8's ast: fails to import on 3.11

    # Tangent transforms numpy source: only plain module functions, no ops table.
    sources = {"lecture": _tangent_lecture, "net_vector": _tangent_net_vector}

    def prepare(model, args, wrt, with_value):
        if model not in sources:
            raise NotImplementedError(f"no Tangent version of {model}")
        gradient = tangent.grad(sources[model], wrt=wrt, preserve_result=with_value)
        return Prepared(lambda: gradient(*args), lambda: sources[model](*args))

    return Peer("tangent", prepare, _nested(np.asarray))


def _tangent_lecture(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


def _tangent_net_vector(X, T, W1, b1, W2, b2):
    H = np.maximum(np.dot(X, W1) + b1, 0.0)
    Y = np.dot(H, W2) + b2
    return np.mean((Y - T) ** 2)
