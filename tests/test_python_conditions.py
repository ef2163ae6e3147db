"""Python in conditions and indexes (issue 15, item 6), against central finite
differences: ``not``, ``and``, ``or`` (short-circuiting), chained comparisons,
calls and arithmetic inside an index; each model through the runtime API and
the CLI, in reverse and forward mode (``both_modes.py``). Then the refusals."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from both_modes import check_both_modes, compile_with_cli
from rules_models import python_conditions as m

from adgen.errors import AdgenError, SourceFile
from adgen.pipeline import compile_source

MODEL = Path(m.__file__)
x = np.array([0.3, -0.2, 0.5, 0.7])

CASES = [
    (m.not_and_or, (x,), 0),
    (m.not_and_or, (-3 * x,), 0),
    (m.not_and_or, (9 * x,), 0),
    (m.chained, (x,), 0),
    (m.chained, (2.5 * x,), 0),
    (m.chained, (5 * x,), 0),
    (m.guarded_index, (x, 2), 0),
    (m.guarded_index, (x, 1), 0),
    (m.guarded_index, (x, 7), 0),  # x[7] would raise: never read
    (m.or_guard, (x, 9), 0),
    (m.or_guard, (x, 2), 0),
    (m.or_guard, (x, 1), 0),
    (m.while_and_not, (x,), 0),
    (m.condition_picks_operand, (x, 0.5), (0, 1)),
    (m.truth_value, (x,), 0),
    (m.truth_value, (-x,), 0),
    (m.index_calls, (x,), 0),
    (m.shape_from_len, (x,), 0),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return compile_with_cli(MODEL, tmp_path_factory.mktemp("conditions"))


@pytest.mark.parametrize(("f", "args", "wrt"), CASES)
def test_gradient_in_both_modes_matches_finite_differences(f, args, wrt, generated):
    check_both_modes(f, args, wrt, generated)


def test_a_safe_right_operand_is_one_equation_a_failing_one_a_branch(generated):
    import inspect

    chained = inspect.getsource(generated.grad_chained)
    assert "n6 = n4 and n5" in chained
    guarded = inspect.getsource(generated.grad_guarded_index)
    # x[i] is read inside the branch taken when i < len(x)
    assert "if n4:\n" in guarded and guarded.index("n4 = i < n3") < guarded.index(
        "n5 = x[i]"
    )


def refusal(source: str) -> AdgenError:
    text = "import numpy as np\n\n" + textwrap.dedent(source)
    with pytest.raises(AdgenError) as caught:
        compile_source(SourceFile("m.py", text), None, None)
    return caught.value


def test_and_or_as_a_value_between_numbers_is_refused_located():
    error = refusal("""
        def f(x, y):
            return np.sum(x) or y
        """)
    assert "gives one of its operands" in str(error)
    assert (error.location.line, error.location.col) == (5, 11)
    assert "if" in error.hint


def test_membership_and_bitwise_not_are_refused_located():
    error = refusal("""
        def f(x):
            if x in x:
                return x
            return -x
        """)
    assert "<, <=" in str(error) and error.location.line == 5
    error = refusal("""
        def f(x):
            return np.where(~(x > 0), x, -x)
        """)
    assert "`~`" in str(error) and "x <= 0" in error.hint
