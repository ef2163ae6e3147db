"""Comprehensions and generator expressions with a static trip count (issue
15, item 4), unrolled into list literals, and Python's ``sum``: each model
against central finite differences through the runtime API and the CLI, in
reverse and forward mode (``both_modes.py``); then the refusals."""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import numpy as np
import pytest
from both_modes import check_both_modes, compile_with_cli
from rules_models import comprehensions as m

from adgen.errors import AdgenError, SourceFile
from adgen.pipeline import compile_source

MODEL = Path(m.__file__)
rng = np.random.default_rng(5)

CASES = [
    (m.stacked_comprehension, (rng.normal(size=4),), 0),
    (m.sum_of_generator, (rng.normal(size=3), 0.6), (0, 1)),
    (m.sum_of_list, (rng.normal(size=2), rng.normal(size=2)), (0, 1)),
    (m.over_a_list, (rng.normal(size=2), rng.normal(size=2)), (0, 1)),
    (m.sum_of_rows, (rng.normal(size=(3, 2)),), 0),
    (m.comprehension_indexed, (rng.normal(size=3), 0), 0),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return compile_with_cli(MODEL, tmp_path_factory.mktemp("comprehensions"))


@pytest.mark.parametrize(("f", "args", "wrt"), CASES)
def test_gradient_in_both_modes_matches_finite_differences(f, args, wrt, generated):
    check_both_modes(f, args, wrt, generated)


def test_a_comprehension_is_unrolled_and_sum_adds_in_order(generated):
    code = inspect.getsource(generated.forward_stacked_comprehension)
    assert "x[3]" in code and "np.stack([n5, n9, n13])" in code
    code = inspect.getsource(generated.forward_sum_of_list)
    assert "np.sum(" in code and code.count(" + ") == 2


def refusal(source: str) -> AdgenError:
    text = "import numpy as np\n\n" + textwrap.dedent(source)
    with pytest.raises(AdgenError) as caught:
        compile_source(SourceFile("m.py", text), None, None)
    return caught.value


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("return np.sum([x * i for i in range(len(x))])", "trip count"),
        ("return np.sum([x * i for i in range(3) if i > 0])", "no `if`"),
        ("return np.sum([x * i * j for i in range(2) for j in range(2)])", "several"),
        ("return np.sum([x * i for i in range(1000)])", "at most 256"),
        ("return np.sum(np.stack(x * i for i in range(3)))", "only as the argument"),
        ("return sum([x, x], 1.0)", "one argument"),
    ],
)
def test_comprehensions_adgen_cannot_unroll_are_refused_located(body, message):
    error = refusal(f"def f(x):\n    {body}\n")
    assert message in str(error) and error.location.line == 4 and error.hint
