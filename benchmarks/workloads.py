"""The benchmark's workloads: their inputs, and adgen's and the hand-written functions for each.

adgen's gradients are compiled here, in memory, from the model files a user
writes: ``benchmarks/models.py`` (the lecture function, the MLP) and lab 7's own
``examples/lab7/net_vector.py`` and ``net_scalar.py``.  ``small=True`` gives
instances small enough for finite differences (tests/test_benchmarks.py).
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LAB = ROOT / "examples" / "lab7"
for _path in (ROOT, HERE, LAB):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import hand  # benchmarks/ and examples/lab7 are on the path now
import models
import net_scalar
import net_vector

from adgen.parse import read_source
from adgen.pipeline import compile_source

# Model file, function and peer model of each workload.
SOURCES = {
    "lecture": (HERE / "models.py", "lecture"),
    "net_vector": (LAB / "net_vector.py", "loss"),
    "net_scalar": (LAB / "net_scalar.py", "loss"),
    "mlp": (HERE / "models.py", "mlp"),
}


@dataclass
class Workload:
    key: str
    title: str
    model: str  # key of SOURCES and of peers.MODELS
    args: tuple
    wrt: tuple[int, ...]  # indices of the differentiated arguments
    with_value: bool  # value and gradient, or the gradient alone
    adgen: Callable[..., Any]
    adgen_forward: Callable[..., Any]  # the user's own function: adgen leaves it as is
    hand: Callable[..., Any]
    hand_forward: Callable[..., Any]


def compile_model(
    path: Path,
    function: str,
    wrt: list[str] | None = None,
    like: dict[str, Any] | None = None,
) -> ModuleType:
    """adgen's generated module for one function of a model file, imported
    (``wrt``: the parameters, where no ``@adgen.wrt`` names them; ``like``: as
    ``adgen compile --like``)."""
    code = compile_source(read_source(path), [function], wrt, like=like)
    out = Path(tempfile.mkdtemp(prefix="adgen-bench-")) / f"{path.stem}_grad.py"
    out.write_text(code)
    spec = importlib.util.spec_from_file_location(f"{path.stem}_{function}_grad", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lecture_args() -> tuple:
    return (2.0, 5.0)  # the lecture's traced point


def lab_grid(points_per_side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lab 7's grid on [-1, 1]^2 (21 x 21 = 441 points), flattened, and its targets."""
    axis = np.linspace(-1.0, 1.0, points_per_side)
    x1, x2 = (a.ravel() for a in np.meshgrid(axis, axis))
    return x1, x2, 2 * x1 + x1 * x2


def lab_parameters(rng: np.random.Generator) -> np.ndarray:
    """The 13 parameters w11 w12 w21 w22 w31 w32 w41 w42 w43 b1 b2 b3 b4; biases
    away from 0, so no point of the grid sits exactly on a ReLU's kink."""
    theta = rng.standard_normal(13) * 0.7
    theta[9:] = rng.uniform(0.1, 0.5, 4) * np.sign(rng.standard_normal(4))
    return theta


def net_vector_args(small: bool, rng: np.random.Generator) -> tuple:
    x1, x2, t = lab_grid(5 if small else 21)
    theta = lab_parameters(rng)
    W1 = theta[:6].reshape(3, 2).T.copy()  # W1[j-1, i-1] = w_ij
    W2 = theta[6:9].reshape(3, 1).copy()
    return (
        np.stack([x1, x2], axis=1),
        t[:, None],
        W1,
        theta[9:12].copy(),
        W2,
        theta[12:13].copy(),
    )


def net_scalar_args(small: bool, rng: np.random.Generator) -> tuple:
    x1, x2, t = lab_grid(5 if small else 21)
    return (x1, x2, t, *(float(v) for v in lab_parameters(rng)))


def mlp_args(small: bool, rng: np.random.Generator) -> tuple:
    batch = 8 if small else 128
    X = rng.standard_normal((batch, 784))
    Y = np.eye(10)[rng.integers(0, 10, batch)]
    return (
        X,
        Y,
        rng.standard_normal((784, 256)) * 0.05,
        rng.standard_normal(256) * 0.1,
        rng.standard_normal((256, 256)) * 0.06,
        rng.standard_normal(256) * 0.1,
        rng.standard_normal((256, 10)) * 0.06,
        rng.standard_normal(10) * 0.1,
    )


USER_FUNCTIONS = {
    "lecture": models.lecture,
    "net_vector": net_vector.loss,
    "net_scalar": net_scalar.loss,
    "mlp": models.mlp,
}
WRT = {
    "lecture": (0, 1),
    "net_vector": (2, 3, 4, 5),
    "net_scalar": tuple(range(3, 16)),
    "mlp": tuple(range(2, 8)),
}


def arguments(model: str, small: bool = False, seed: int = 0) -> tuple:
    """The inputs of one model: the full benchmark size, or ``small`` for finite differences."""
    rng = np.random.default_rng([seed, list(SOURCES).index(model)])
    if model == "lecture":
        return lecture_args()
    make = {
        "net_vector": net_vector_args,
        "net_scalar": net_scalar_args,
        "mlp": mlp_args,
    }
    return make[model](small, rng)


def build(small: bool = False, seed: int = 0) -> list[Workload]:
    """Every workload, with adgen's gradients freshly compiled from the model files."""
    gen = {key: compile_model(*source) for key, source in SOURCES.items()}
    args = {key: arguments(key, small, seed) for key in SOURCES}

    def workload(key, title, model, with_value, adgen, hand_grad, hand_forward):
        return Workload(
            key,
            title,
            model,
            args[model],
            WRT[model],
            with_value,
            adgen,
            USER_FUNCTIONS[model],
            hand_grad,
            hand_forward,
        )

    batch = len(args["mlp"][0])
    return [
        workload("lecture", "lecture f(x1,x2), gradient", "lecture", False,
                 gen["lecture"].grad_lecture, hand.lecture_grad, hand.lecture_forward),
        workload("lecture_value", "lecture f(x1,x2), value+grad", "lecture", True,
                 gen["lecture"].value_and_grad_lecture, hand.lecture_value_and_grad,
                 hand.lecture_forward),
        workload("net_vector", f"lab net 2-3-1, vectorized, {len(args['net_vector'][0])} pts",
                 "net_vector", False, gen["net_vector"].grad_loss,
                 hand.net_vector_grad, hand.net_vector_forward),
        workload("net_scalar", f"lab net 2-3-1, scalar style, {len(args['net_scalar'][0])} pts",
                 "net_scalar", False, gen["net_scalar"].grad_loss,
                 hand.net_scalar_grad, hand.net_scalar_forward),
        workload("mlp", f"MLP 784-256-256-10, batch {batch}", "mlp", False,
                 gen["mlp"].grad_mlp, hand.mlp_grad, hand.mlp_forward),
    ]  # fmt: skip
