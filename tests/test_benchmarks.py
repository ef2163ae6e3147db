"""The benchmark cannot rot: its models' adgen gradients agree with the hand-written
numpy backprop it times them against, and both agree with central finite
differences, on small instances.  Nothing here is timed."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import workloads

WORKLOADS = {w.key: w for w in workloads.build(small=True)}


def leaves(value) -> list[np.ndarray]:
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in leaves(v)]
    return [np.asarray(value, dtype=np.float64)]


def central_difference(f, args: tuple, i: int, index, h: float = 1e-6) -> float:
    """(f(x + h e) - f(x - h e)) / 2h for the entry ``index`` of argument ``i``."""

    moved = list(args)
    if np.ndim(args[i]) != 0:
        moved[i] = np.array(args[i], dtype=np.float64)  # a copy, stepped in place

    def at(step: float) -> float:
        if np.ndim(args[i]) == 0:
            moved[i] = args[i] + step
        else:
            moved[i][index] = args[i][index] + step
        return float(f(*moved))

    return (at(h) - at(-h)) / (2 * h)


@pytest.mark.parametrize("key", list(WORKLOADS))
def test_adgen_agrees_with_hand_written(key):
    w = WORKLOADS[key]
    got, expected = leaves(w.adgen(*w.args)), leaves(w.hand(*w.args))
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("key", list(WORKLOADS))
@pytest.mark.parametrize("who", ["adgen", "hand"])
def test_gradient_matches_finite_differences(key, who):
    """Up to 12 entries of each gradient (all of them for the small models)."""
    w = WORKLOADS[key]
    result = getattr(w, who)(*w.args)
    if w.with_value:
        value, result = result
        assert np.isclose(value, w.adgen_forward(*w.args), rtol=1e-12)
    rng = np.random.default_rng(1)
    for i, grad in zip(w.wrt, result, strict=True):
        grad = np.asarray(grad)
        assert grad.shape == np.shape(w.args[i])
        entries = list(np.ndindex(grad.shape))
        for pick in rng.permutation(len(entries))[:12]:
            index = entries[pick]
            numeric = central_difference(w.adgen_forward, w.args, i, index)
            assert grad[index] == pytest.approx(numeric, rel=1e-5, abs=1e-7), (i, index)


def test_hand_written_forward_is_the_users_function():
    """The grad/forward column divides by these: they must compute the same loss."""
    for w in WORKLOADS.values():
        assert np.isclose(w.hand_forward(*w.args), w.adgen_forward(*w.args), rtol=1e-12)


def test_small_instances_are_what_the_benchmark_times_scaled_down():
    full = {k: workloads.arguments(k) for k in workloads.SOURCES}
    assert len(full["net_vector"][0]) == 441 and len(full["net_scalar"][0]) == 441
    assert full["mlp"][0].shape == (128, 784)
    assert WORKLOADS["mlp"].args[2].shape == full["mlp"][2].shape  # same layers


def test_mlp_gradient_peak_memory_is_no_more_than_hand_written():
    """Issue 5: grad_f's peak extra memory (tracemalloc) at most the hand-written one's."""
    import tracemalloc

    w = next(x for x in workloads.build() if x.key == "mlp")  # full size, batch 128

    def peak(fn) -> int:
        tracemalloc.start()
        fn(*w.args)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    assert peak(w.adgen) <= peak(w.hand)
