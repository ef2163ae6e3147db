"""The "as written" workloads, and the compile-time programs, for run.py.

Each workload of run.py again, on the models of models_as_written.py (no
annotations), four ways: hand-written numpy, adgen's compiled file
(``grad_f`` / ``value_and_grad_f`` of the module ``adgen compile`` writes),
the file compiled for the arguments passed (``adgen compile --like``, as
``--like x1=2.0,x2=5.0``), and the runtime API (``adgen.grad(f, wrt)`` /
``adgen.value_and_grad``, made once and called: it specializes on the
arguments by itself).  And straight-line programs of n statements, three numpy
operations each, for the compile-time table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hand
import models_as_written as plain
import workloads

import adgen
from adgen.like import like_of

MODELS = Path(__file__).resolve().parent / "models_as_written.py"


@dataclass
class AsWritten:
    title: str
    args: tuple
    hand: Callable[..., Any]
    compiled: Callable[..., Any]  # from the generated file
    compiled_like: Callable[..., Any]  # from the file compiled with --like
    api: Callable[..., Any]  # adgen.grad / adgen.value_and_grad


def build(small: bool = False, seed: int = 0) -> list[AsWritten]:
    """Every workload on the unannotated models (the inputs of workloads.py)."""
    rows = []
    for key, title, model, with_value, hand_fn in [
        ("lecture", "lecture f(x1,x2), gradient", "lecture", False, hand.lecture_grad),
        ("lecture", "lecture f(x1,x2), value+grad", "lecture", True,
         hand.lecture_value_and_grad),
        ("net_vector", "lab net 2-3-1, vectorized", "net_vector", False,
         hand.net_vector_grad),
        ("net_scalar", "lab net 2-3-1, scalar style", "net_scalar", False,
         hand.net_scalar_grad),
        ("mlp", "MLP 784-256-256-10", "mlp", False, hand.mlp_grad),
    ]:  # fmt: skip
        wrt = workloads.WRT[key]
        names = wrt_names(model, wrt)
        args = workloads.arguments(key, small, seed)
        module = workloads.compile_model(MODELS, model, names)
        like = like_arguments(model, args)
        specialized = workloads.compile_model(MODELS, model, names, like)
        role = "value_and_grad" if with_value else "grad"
        f = getattr(plain, model)
        api = (adgen.value_and_grad if with_value else adgen.grad)(f, wrt=wrt)
        rows.append(
            AsWritten(
                title,
                args,
                hand_fn,
                getattr(module, f"{role}_{model}"),
                getattr(specialized, f"{role}_{model}"),
                api,
            )
        )
    return rows


def like_arguments(model: str, args: tuple) -> dict[str, Any]:
    """What ``adgen compile --like`` would say of ``args``: floats, array shapes."""
    code = getattr(plain, model).__code__
    kinds = {p: like_of(a) for p, a in zip(code.co_varnames, args, strict=False)}
    return {p: k for p, k in kinds.items() if k is not None}


def wrt_names(model: str, wrt: tuple[int, ...]) -> list[str]:
    code = getattr(plain, model).__code__
    return [code.co_varnames[i] for i in wrt]


def straight_line(n: int) -> str:
    """A model of ``n`` statements, three numpy operations each."""
    lines = ["import numpy as np", "", "", "def f(a0, w):"]
    lines += [f"    a{i + 1} = np.sin(a{i}) * w + a{i}" for i in range(n)]
    lines.append(f"    return np.sum(a{n})")
    return "\n".join(lines) + "\n"
