"""adgen against the test functions of its peers (tangent, autograd), both modes.

The corpora are ported in tests/corpora/ (one model module each, the peers'
function bodies as written); harness.py runs every function through the
runtime API and through ``adgen compile``, in reverse and forward mode, and
compares with autograd (or central differences where autograd cannot trace the
code).  This test fails on any WRONG value or CRASH not listed below, and when
a corpus's PASS count falls below its floor.  ``python -m tests.corpora.report``
prints the table and every refusal.
"""

from __future__ import annotations

import numpy as np
import pytest
from corpora import harness
from corpora.corpora import ALL, measure_all

from adgen.errors import Location, UnsupportedSyntax

# The ratchet: PASS counts measured on 2026-12-06 after issue 15's branches
# landed; raise them as features land.
FLOORS = {
    "tangent": {"reverse": 84, "forward": 84},
    "scalar_ops": {"reverse": 41, "forward": 41},
    "numpy": {"reverse": 79, "forward": 79},
    "systematic": {"reverse": 125, "forward": 125},
}


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    return measure_all(tmp_path_factory.mktemp("corpora"))


def test_floors_name_every_corpus():
    assert set(FLOORS) == set(ALL)


@pytest.mark.parametrize("corpus", sorted(ALL))
def test_no_wrong_value_or_crash(measured, corpus):
    bad = [
        f"{o.outcome} {o.function} [{o.mode}]: {o.detail}"
        for by_mode in measured[corpus].values()
        for o in by_mode.values()
        if o.outcome in (harness.WRONG, harness.CRASH)
    ]
    assert not bad, "\n\n".join(bad)


@pytest.mark.parametrize("corpus", sorted(ALL))
def test_pass_count_holds_its_floor(measured, corpus):
    for mode, floor in FLOORS[corpus].items():
        passed = sum(r[mode].outcome == harness.PASS for r in measured[corpus].values())
        assert passed >= floor, f"{corpus} {mode}: {passed} PASS, the floor is {floor}"


# The harness itself: it must tell a wrong value and a crash from a refusal.


def test_harness_calls_a_wrong_gradient_wrong():
    result = harness.Outcome("f", "reverse")
    harness.judge(
        result, lambda: [np.array([1.0, 2.0])], ([np.array([1.0, 2.5])], "autograd")
    )
    assert result.outcome == harness.WRONG


def test_harness_calls_agreement_a_pass():
    result = harness.Outcome("f", "reverse")
    harness.judge(result, lambda: [2.0], ([2.0 + 1e-9], "autograd"))
    assert result.outcome == harness.PASS


def test_harness_tells_located_refusals_from_crashes():
    located = UnsupportedSyntax("no", Location("m.py", 3, 4, "x = 1"))
    assert harness.classify_error(located)[0] == harness.REFUSED
    assert harness.classify_error(UnsupportedSyntax("no"))[0] == harness.CRASH
    assert harness.classify_error(IndexError("boom"))[0] == harness.CRASH
