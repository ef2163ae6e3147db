"""Statements real code contains (issue 15): local functions (nested defs and
named lambdas), print(...) and assert, int and float casts. Each model through the runtime API and the CLI, in reverse and
forward mode, against central finite differences of the model itself (run by
Python, closures and all: ``both_modes.py``); then the located refusals."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from both_modes import check_both_modes, compile_with_cli
from rules_models import statements as m

import adgen
from adgen.errors import AdgenError, SourceFile
from adgen.pipeline import compile_source

MODEL = Path(m.__file__)
x = np.array([0.3, -0.2, 0.5, 0.7])
w = np.array([0.9, 1.3, -0.4, 0.6])
# its last column, cast to int, indexes its rows: 0, 2, 1 (away from integers)
W = np.array([[0.5, -1.2, 0.3], [1.1, 0.4, 2.6], [-0.7, 0.9, 1.4]])

CASES = [
    (m.iterpower_with_nested_def, (1.3, 3), 0),
    (m.named_lambda, (x, w), (0, 1)),
    (m.closure_over_parameter, (x, w), (0, 1)),
    (m.late_binding, (x, w), (0, 1)),
    (m.rebound_in_loop, (x, w), (0, 1)),
    (m.default_and_keyword, (x,), 0),
    (m.local_in_helper, (x,), 0),
    (m.printing, (x, w), (0, 1)),
    (m.assert_on_shapes, (x, w), (0, 1)),
    (m.print_in_helper, (x,), 0),
    (m.casts, (x, W), (0, 1)),
    (m.cast_indexes, (W,), 0),
    (m.print_in_control_flow, (x, 2), 0),
    (m.print_in_control_flow, (3 * x, 2), 0),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return compile_with_cli(MODEL, tmp_path_factory.mktemp("statements"))


@pytest.mark.parametrize(("f", "args", "wrt"), CASES)
def test_local_functions_match_finite_differences(f, args, wrt, generated):
    check_both_modes(f, args, wrt, generated)


def test_late_binding_reads_the_value_at_the_call(generated):
    # the value, against the model run by Python (scale 2.0, then 3.0)
    value, _ = generated.value_and_grad_late_binding(x, w)
    h = np.sin(x * w) * 2.0 + w
    assert np.isclose(value, np.sum((np.sin(h * w) * 3.0 + w) ** 2))


def compiled(body: str, function: str = "f") -> str:
    text = "import numpy as np\n\n" + textwrap.dedent(body)
    return compile_source(SourceFile("model.py", text), [function])


REFUSALS = [
    (
        """
        def f(x):
            for i in range(3):
                def g(z):
                    return z * i
                x = g(x)
            return x
        """,
        "a local function defined inside an if or a loop",
        (6, 8),
    ),
    (
        """
        def f(x):
            g = lambda z: z * 2.0
            return np.sum(np.array(list(map(g, [x]))))
        """,
        "the local function `g` is used as a value",
        (6, 36),
    ),
    (
        """
        def f(x):
            y = g(x)
            def g(z):
                return z
            return y
        """,
        "`g` is called before its definition (line 6)",
        (5, 8),
    ),
    (
        """
        def f(x):
            def h(z):
                return g(z) * 2.0
            y = h(x)
            def g(z):
                return z
            return y
        """,
        "`g` is called before its definition (line 8)",
        (6, 15),
    ),
    (
        """
        def f(x):
            c = 3.0
            def g(z, k=c):
                return z * k
            return g(x)
        """,
        "a default value of a local function reads a variable",
        (6, 15),
    ),
    (
        """
        def f(x):
            c = 3.0
            def g(z):
                nonlocal c
                c = 2.0
                return z * c
            return g(x)
        """,
        "`nonlocal` is not supported",
        (7, 8),
    ),
    (
        """
        def f(x):
            def g(z):
                def h(w):
                    return w
                return h(z)
            return g(x)
        """,
        "inside another local function",
        (6, 8),
    ),
    (
        """
        def f(x, n):
            def g(z, k):
                if k > 0:
                    return g(z, k - 1) * z
                return z
            return g(x, n)
        """,
        "recursive call",
        (7, 19),
    ),
    (
        """
        def f(x):
            c = 2.0
            def g(z):
                return z * c
            return sum(g(x[c]) for c in range(3))
        """,
        "a comprehension's variable has that name",
        (8, 15),
    ),
    (
        """
        def f(x):
            g = lambda z: z
            g = 2.0
            return g * x
        """,
        "`g` names a local function and is bound again here",
        (6, 4),
    ),
    (
        """
        def f(x):
            return np.sum(np.array(list(map(lambda z: z * 2, [x]))))
        """,
        "lambda expressions are supported only",
        (5, 36),
    ),
]


def test_a_refused_local_function_leaves_the_rest_of_the_file_compilable():
    text = """
    def bad(x):
        for i in range(2):
            g = lambda z: z * i
            x = g(x)
        return x

    def good(x):
        return np.sin(x)
    """
    assert "def grad_good" in compiled(text, "good")


# --- print and assert ------------------------------------------------------
def printed_lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_print_runs_once_per_forward_pass(generated, capsys):
    capsys.readouterr()
    expected = [*printed(m.printing, capsys)]
    for run in (
        lambda: generated.grad_printing(x, w),
        lambda: generated.value_and_grad_printing(x, w),
        lambda: generated.forward_printing(x, w),
        lambda: generated.jvp_printing(x, w, x, w),
        lambda: adgen.grad(m.printing)(x, w),
    ):
        run()
        assert printed_lines(capsys) == expected
    # a gradient by forward mode makes several forward passes: each prints once
    adgen.grad(m.printing, mode="forward")(x, w)
    lines = printed_lines(capsys)
    passes = len(lines) // len(expected)
    assert passes >= 1 and lines == expected * passes


def printed(f, capsys) -> list[str]:
    f(x, w)  # the model itself, run by Python
    return printed_lines(capsys)


def test_the_backward_sweep_prints_nothing(generated, capsys):
    _, tape = generated.forward_printing(x, w)
    capsys.readouterr()
    generated.backward_printing(tape)
    assert printed_lines(capsys) == []


def test_assert_raises_where_the_model_does(generated):
    short = x[:3]
    with pytest.raises(AssertionError, match="x needs 4 values"):
        m.printing(short, w[:3])
    for run in (
        lambda: generated.grad_printing(short, w[:3]),
        lambda: generated.jvp_printing(short, w[:3], short, w[:3]),
        lambda: adgen.grad(m.printing)(short, w[:3]),
    ):
        with pytest.raises(AssertionError, match="x needs 4 values"):
            run()
    big = 40 * x  # loss near 4: an assert on a differentiated value fails
    with pytest.raises(AssertionError):
        m.printing(big, w)
    with pytest.raises(AssertionError):
        generated.grad_printing(big, w)
    with pytest.raises(AssertionError, match="two values at least"):
        generated.grad_assert_on_shapes(x[:1], w[:1])


STATEMENT_REFUSALS = [
    (
        """
        def f(x):
            xs = [x]
            xs.append(x * 2.0)
            return np.sum(np.array(xs))
        """,
        "`xs.append(...)` changes `xs` in place",
        (6, 4),
    ),
    (
        """
        def f(x):
            np.random.seed(0)
            return np.sum(x)
        """,
        "the result of `np.random.seed(...)` is discarded",
        (5, 4),
    ),
    (
        """
        def f(x):
            x + 1.0
            return np.sum(x)
        """,
        "an expression statement has no effect on the result",
        (5, 4),
    ),
    (
        """
        import sys

        def f(x):
            print(x, file=sys.stderr)
            return np.sum(x)
        """,
        "print's `file=` is not supported here",
        (7, 18),
    ),
    (
        """
        def f(x):
            print((x, x))
            return np.sum(x)
        """,
        "adgen prints one array or number per argument",
        (5, 10),
    ),
    (
        """
        def f(x):
            assert np.sum(x) > 0, np.sum(x)
            return np.sum(x)
        """,
        "an assert's message must be a literal string here",
        (5, 26),
    ),
]


@pytest.mark.parametrize(("body", "message", "where"), REFUSALS + STATEMENT_REFUSALS)
def test_refusals_are_located(body, message, where):
    with pytest.raises(AdgenError) as caught:
        compiled(body)
    error = caught.value
    assert message in str(error)
    assert (error.location.line, error.location.col) == where
    assert error.hint


def test_hessian_through_print_and_assert_matches_the_closed_form():
    # f = ln x1 + x1 x2 - sin x2: H = [[-1/x1^2, 1], [1, sin x2]]
    H = adgen.hessian(m.lecture_with_print, wrt=(0, 1))(2.0, 5.0)
    expected = [[-0.25, 1.0], [1.0, np.sin(5.0)]]
    np.testing.assert_allclose(np.array(H, dtype=float), expected, rtol=1e-12)
