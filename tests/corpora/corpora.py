"""The four ported corpora, each a model module with its argument sets."""

from __future__ import annotations

import importlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import arguments
from .harness import Corpus, Outcome, measure


def tangent() -> Corpus:
    module = importlib.import_module(f"{__package__}.tangent_functions")
    return Corpus(
        "tangent functions.py",
        "tangent_functions",
        "google/tangent tests/functions.py",
        arguments.tangent_cases(module),
    )


ALL = {"tangent": tangent}


def scalar_ops() -> Corpus:
    module = importlib.import_module(f"{__package__}.autograd_scalar_ops")
    return Corpus(
        "autograd test_scalar_ops.py",
        "autograd_scalar_ops",
        "HIPS/autograd tests/test_scalar_ops.py",
        arguments.scalar_ops_cases(module),
    )


ALL["scalar_ops"] = scalar_ops


def numpy_() -> Corpus:
    return Corpus(
        "autograd test_numpy.py",
        "autograd_numpy",
        "HIPS/autograd tests/test_numpy.py",
        arguments.numpy_cases(),
        helpers=("to_scalar",),
    )


ALL["numpy"] = numpy_


def systematic() -> Corpus:
    return Corpus(
        "autograd test_systematic.py",
        "autograd_systematic",
        "HIPS/autograd tests/test_systematic.py",
        arguments.systematic_cases(),
        helpers=("to_scalar",),
    )


ALL["systematic"] = systematic


def measure_one(name: str, workdir: Path) -> dict[str, dict[str, Outcome]]:
    return measure(ALL[name](), workdir / name)


def measure_all(workdir: Path) -> dict[str, dict[str, dict[str, Outcome]]]:
    """Every corpus measured, two at a time (each compiles through its own processes):
    {corpus: {function: {mode: Outcome}}}.  The workers are spawned, not forked:
    a fork of a process where JAX's threads run (the test suite imports JAX) can
    deadlock."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        jobs = {name: pool.submit(measure_one, name, workdir) for name in ALL}
        return {name: job.result() for name, job in jobs.items()}
