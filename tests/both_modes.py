"""Check a model's gradient four ways against central finite differences
(``adgen.testing.check_grads``): the runtime API in reverse and in forward
mode, and the functions ``adgen compile --mode both`` wrote (``grad_<f>``, and
``jvp_<f>`` along each basis direction)."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

import numpy as np

import adgen
from adgen.cli import main
from adgen.testing import check_grads


def compile_with_cli(model: Path, out: Path) -> ModuleType:
    """``adgen compile model -o out --mode both``, and the written module imported."""
    assert main(["compile", str(model), "-o", str(out), "--mode", "both"]) == 0
    path = out / f"{model.stem}_grad.py"
    spec = importlib.util.spec_from_file_location(f"{model.stem}_{id(out)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_both_modes(f, args, wrt, generated: ModuleType) -> None:
    """The four gradients of ``f`` at ``args`` (``wrt``: an int or a tuple of
    positions), each against finite differences."""
    check_grads(f, args, wrt, grad_fn=adgen.grad(f, wrt))
    check_grads(f, args, wrt, grad_fn=adgen.grad(f, wrt, mode="forward"))
    positions = [wrt] if isinstance(wrt, int) else list(wrt)
    n_params = len(inspect.signature(f).parameters)

    def picked(grads):  # the CLI differentiates every parameter
        grads = grads if n_params > 1 else (grads[0],)
        chosen = [grads[p] for p in positions]
        return chosen[0] if isinstance(wrt, int) else tuple(chosen)

    cli_grad = getattr(generated, f"grad_{f.__name__}")
    check_grads(f, args, wrt, grad_fn=lambda *a: picked(cli_grad(*a)))
    jvp = getattr(generated, f"jvp_{f.__name__}")

    def forward_gradient(*a):
        zeros = [np.zeros(np.shape(v)) for v in a]
        grads = []
        for p in range(n_params):
            g = np.zeros(np.shape(a[p]))
            for i in np.ndindex(g.shape):
                tangents = [z.copy() for z in zeros]
                tangents[p][i] = 1.0
                g[i] = jvp(*a, *tangents)[1]
            grads.append(g)
        return picked(grads)

    check_grads(f, args, wrt, grad_fn=forward_gradient)
