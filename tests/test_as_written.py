"""The benchmark's "as written" workloads cannot rot: on the unannotated models, adgen's
compiled file and its runtime API agree with the hand-written numpy backprop
(itself checked against finite differences in test_benchmarks.py), on small
instances.  Nothing here is timed."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import as_written

WORKLOADS = {w.title: w for w in as_written.build(small=True)}


def leaves(value) -> list[np.ndarray]:
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in leaves(v)]
    return [np.asarray(value, dtype=np.float64)]


@pytest.mark.parametrize("title", list(WORKLOADS))
@pytest.mark.parametrize("way", ["compiled", "api"])
def test_unannotated_model_agrees_with_hand_written(title, way):
    w = WORKLOADS[title]
    got, expected = leaves(getattr(w, way)(*w.args)), leaves(w.hand(*w.args))
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


def test_straight_line_program_has_n_statements():
    text = as_written.straight_line(3)
    assert text.count("np.sin(") == 3 and "return np.sum(a3)" in text
