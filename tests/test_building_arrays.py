"""Building arrays (issue 15, item 4), against central finite differences:
``np.array``/``np.asarray`` of lists of active values (scalars make a vector,
arrays are stacked, nested lists a matrix), list literals where numpy reads an
array, ``np.stack``/``np.concatenate`` of a list; each model through the
runtime API and the CLI, in reverse and forward mode (``both_modes.py``).
Then the emitted code and the refusals."""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import numpy as np
import pytest
from both_modes import check_both_modes, compile_with_cli
from rules_models import building as m

from adgen.errors import AdgenError, SourceFile
from adgen.pipeline import compile_source

MODEL = Path(m.__file__)
rng = np.random.default_rng(3)

CASES = [
    (m.array_of_scalars, (0.3, 0.7), (0, 1)),
    (m.array_nested, (0.3, -0.7), (0, 1)),
    (m.asarray_of_arrays, (rng.normal(size=2), rng.normal(size=2)), (0, 1)),
    (m.list_literal, (rng.normal(size=2), 0.4), (0, 1)),
    (m.list_index, (rng.normal(size=3),), 0),
    (m.stack_and_concatenate, (rng.normal(size=3), rng.normal(size=3)), (0, 1)),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return compile_with_cli(MODEL, tmp_path_factory.mktemp("building"))


@pytest.mark.parametrize(("f", "args", "wrt"), CASES)
def test_gradient_in_both_modes_matches_finite_differences(f, args, wrt, generated):
    check_both_modes(f, args, wrt, generated)


def test_building_is_a_stack_and_its_adjoint_an_index(generated):
    code = inspect.getsource(generated.grad_array_of_scalars)
    assert "v = np.stack([n3, n4, y])" in code
    assert "n3_bar = v_bar[0]" in code and "y_bar = v_bar[2]" in code


def refusal(source: str) -> AdgenError:
    text = "import numpy as np\n\n" + textwrap.dedent(source)
    with pytest.raises(AdgenError) as caught:
        compile_source(SourceFile("m.py", text), None, None)
    return caught.value


def test_python_list_arithmetic_is_refused_with_the_rewrite():
    error = refusal("""
        def f(x):
            return np.sum([x, x] * 2)
        """)
    assert "Python's list arithmetic" in str(error)
    assert error.location.line == 5 and "np.array([x, x])" in error.hint


def test_array_keywords_are_refused_located():
    error = refusal("""
        def f(x):
            return np.sum(np.array([x, x], dtype=float))
        """)
    assert "takes one argument here" in str(error) and error.location.line == 5
