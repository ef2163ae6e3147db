"""Writes into freshly built arrays (issue 15, item 4): ``y[i] = v`` becomes a
new value of ``y`` in the emitted code (``index_update``, which copies), and its
adjoint reads ``y_bar[i]`` for the value and zeroes ``[i]`` for the old array.
Each model against central finite differences through the runtime API and the
CLI, in reverse and forward mode (``both_modes.py``); then the refusals where
numpy would change an array another name sees, and the run-time guards."""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import numpy as np
import pytest
from both_modes import check_both_modes, compile_with_cli
from rules_models import writes as m

from adgen.errors import AdgenError, MutationNotSupported, SourceFile
from adgen.pipeline import compile_source
from adgen.runtime import index_update

MODEL = Path(m.__file__)
rng = np.random.default_rng(4)

CASES = [
    (m.recurrence, (rng.normal(size=4), 0.7), (0, 1)),
    (m.columns, (rng.normal(size=3), 0.4), (0, 1)),
    (m.branch_write, (rng.normal(size=3) + 1.5,), 0),
    (m.branch_write, (rng.normal(size=3) - 1.5,), 0),
    (m.write_copy_of_parameter, (rng.normal(size=4),), 0),
    (m.mask_write, (np.array([0.5, -1.0, 2.0, -0.3]),), 0),
    (m.matrix_entries, (0.3, -0.8), (0, 1)),
    (m.rows_counted_by_len, (rng.normal(size=(3, 1)), rng.normal(size=2)), (0, 1)),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return compile_with_cli(MODEL, tmp_path_factory.mktemp("writes"))


@pytest.mark.parametrize(("f", "args", "wrt"), CASES)
def test_gradient_in_both_modes_matches_finite_differences(f, args, wrt, generated):
    check_both_modes(f, args, wrt, generated)


def test_the_model_is_not_changed_and_the_caller_array_neither(generated):
    x = rng.normal(size=4)
    before = x.copy()
    value, _ = generated.value_and_grad_write_copy_of_parameter(x)
    assert np.array_equal(x, before)
    assert value == pytest.approx(m.write_copy_of_parameter(before))


def test_a_write_is_a_new_value_and_its_adjoint_an_index(generated):
    code = inspect.getsource(generated.grad_recurrence)
    assert "y_4 = index_update(y_3, np.s_[i], n11)" in code
    assert "y_3_bar = index_update(y_4_bar, np.s_[i], 0.0)" in code
    assert "n11_bar = unbroadcast(y_4_bar[i], n11)" in code


def refusal(body: str) -> AdgenError:
    text = "import numpy as np\n\n\ndef same(a):\n    return a\n\n\n" + textwrap.dedent(
        body
    )
    with pytest.raises(MutationNotSupported) as caught:
        compile_source(SourceFile("m.py", text), ["f"], None)
    return caught.value


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("def f(x):\n    x[0] = 1.0\n    return np.sum(x)\n", "a parameter"),
        ("def f(x):\n    y = x\n    y[0] = 1.0\n    return np.sum(y)\n", "bound at"),
        (
            "def f(x):\n    y = np.zeros(3)\n    z = y\n    y[0] = x\n    return np.sum(z)\n",
            "which `z` (line 10) refers to",
        ),
        (
            "def f(x):\n    y = np.zeros(3)\n    r = y[0:2]\n    y[0] = x\n    return np.sum(r)\n",
            "which `r` (line 10)",
        ),
        (
            "def f(x):\n    y = np.zeros(3)\n    t = (y, 1.0)\n    y[0] = x\n    return np.sum(t[0])\n",
            "kept in a tuple",
        ),
        (
            "def f(x):\n    y = np.zeros(3)\n    z = same(y)\n    y[0] = x\n    return np.sum(z)\n",
            "passed to the helper `same`",
        ),
        (
            "def f(x):\n    y = np.zeros((2, 2))\n    y[0][1] = x\n    return np.sum(y)\n",
            "writes through a view",
        ),
    ],
)
def test_writes_numpy_would_share_are_refused_located(body, reason):
    error = refusal(body)
    assert reason in str(error)
    assert error.location.line >= 9 and error.hint


def test_run_time_guards_of_a_write():
    with pytest.raises(TypeError, match="truncates"):
        index_update(np.array([1, 2]), 0, 0.5)
    with pytest.raises(ValueError, match="names an entry twice"):
        index_update(np.zeros(3), np.array([0, 0]), np.array([1.0, 2.0]))
    assert np.array_equal(index_update(np.zeros(3), np.s_[1:], 2.0), [0.0, 2.0, 2.0])
