"""Control flow in reverse mode, against central finite differences.

Every model in ``tests/rules_models/control_flow.py`` is differentiated at
points away from its branch switches and compared with finite differences of
the plain Python function (``adgen.testing.check_grads``); loops with a data-
dependent trip count are checked on both sides of a switch.  Golden tests pin
the emitted code of a loop and a branch: the stacks, their pushes and pops.
"""

from __future__ import annotations

import sys
import textwrap
import tracemalloc

import numpy as np
import pytest
from rules_models import control_flow as cf

from adgen.testing import check_grads

rng = np.random.default_rng(7)

CASES = [
    (cf.if_else, (1.3,), 0),
    (cf.if_else, (-0.7,), 0),
    (cf.elif_chain, (2.5,), 0),
    (cf.elif_chain, (0.4,), 0),
    (cf.elif_chain, (-3.0,), 0),
    (cf.one_sided_update, (np.array([0.5, 0.2]), np.array([0.3, -0.4])), (0, 1)),
    (cf.one_sided_update, (np.array([-0.5, 0.2]), np.array([0.3, -0.4])), (0, 1)),
    (cf.conditional_expression, (np.array([0.5, -1.2]), 0.7), (0, 1)),
    (cf.conditional_expression, (np.array([0.5, -1.2]), -0.7), (0, 1)),
    (cf.for_range, (np.array([0.3, -0.2]), np.array([0.5, 0.9]), 5), (0, 1)),
    (cf.for_range_index, (rng.standard_normal(7),), 0),
    (cf.for_rows, (rng.standard_normal((4, 3)), rng.standard_normal(3)), (0, 1)),
    (cf.while_newton, (2.0,), 0),
    (cf.while_newton, (9.0,), 0),
    (cf.while_counter, (0.8,), 0),
    (cf.for_break, (0.9,), 0),
    (cf.for_break, (3.3,), 0),
    (cf.while_break, (30.0,), 0),
    (cf.for_continue, (np.array([0.5, -1.0, 2.0, -0.1, 0.3]),), 0),
    (cf.early_return, (2.0,), 0),
    (cf.early_return, (0.3,), 0),
    (cf.return_in_loop, (0.7,), 0),
    (cf.return_in_loop, (-0.2,), 0),
    (cf.return_in_nested_loop, (0.3,), 0),
    (cf.return_in_nested_loop, (-2.0,), 0),
    (cf.nested_loops, (np.array([0.1, 0.4, -0.3]), 0.8), (0, 1)),
    (cf.branch_in_loop, (np.array([0.5, -1.0, 2.0, -0.1]),), 0),
    (cf.deep_exit, (0.5,), 0),
    (cf.deep_exit, (-0.45,), 0),
    (cf.loop_calls_helper, (np.array([0.5, -1.0, 2.0]),), 0),
    (cf.overwritten_in_loop, (np.array([0.5, -1.0]), np.array([0.3, 0.2])), (0, 1)),
    (cf.zero_trip_loop, (np.array([0.5, -1.0]), 3), 0),
    (cf.zero_trip_loop, (np.array([0.5, -1.0]), 0), 0),
    (
        cf.rnn,
        (
            rng.standard_normal((5, 3)),
            0.5 * rng.standard_normal((4, 4)),
            0.5 * rng.standard_normal((4, 3)),
            rng.standard_normal(4),
        ),
        (1, 2, 3),
    ),
    (cf.copy_merge, (1.5, 0.5), (0, 1)),
    (cf.any_all_conditions, (np.array([0.7, 1.3]),), 0),
    (cf.any_all_conditions, (np.array([-0.7, 1.3]),), 0),
    (cf.copy_merge, (0.5, 1.5), (0, 1)),
    # a conditional expression inside another, or in a while test, replaces the
    # environment while the outer value is being bound
    (cf.nested_conditional_expressions, (0.7,), 0),
    (cf.nested_conditional_expressions, (-0.4,), 0),
    (cf.nested_conditional_expressions, (-1.6,), 0),
    (cf.conditional_in_while_test, (np.array([0.3, 0.2]),), 0),
    (cf.conditional_in_while_test, (np.array([-0.3, 0.25]),), 0),
    # the carried copies are a parallel assignment: x_2 = z_2 must not feed y_2
    (
        cf.rotate_in_loop,
        (np.array([0.3, 0.1]), np.array([0.7, 0.2]), np.array([-0.4, 0.9])),
        (0, 1, 2),
    ),
    (
        cf.rotate_in_loop,
        (np.array([0.3, 0.1]), np.array([0.7, 0.2]), np.array([0.4, 0.9])),
        (0, 1, 2),
    ),
]


@pytest.mark.parametrize(
    "f, args, wrt", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]
)
def test_gradient_matches_finite_differences(f, args, wrt):
    check_grads(f, args, wrt=wrt)


def test_forward_value_is_the_function_value():
    """forward_f returns what the plain Python function returns, on every path."""
    import adgen

    for f, args, wrt in CASES:
        value, _ = adgen.value_and_grad(f, wrt)(*args)
        np.testing.assert_allclose(value, f(*args), rtol=1e-12, err_msg=f.__name__)


def test_newton_sqrt_closed_form():
    """d sqrt(a)/da = 1 / (2 sqrt(a)), through every Newton iteration."""
    import adgen

    for a in (0.5, 2.0, 30.0):
        assert adgen.grad(cf.while_newton)(a) == pytest.approx(
            0.5 / np.sqrt(a), rel=1e-9
        )


def test_pullback_runs_again_on_the_same_tape():
    """A vjp pullback sweeps one tape back once per seed: the stacks it pops
    must still be whole the second time (fuzz: backward_f(tape) then
    backward_f(tape, 2.0))."""
    import adgen

    x, w = np.array([0.3, -0.2]), np.array([0.5, 0.9])
    _, pullback = adgen.vjp(cf.for_range, wrt=(0, 1))(x, w, 4)
    first, second = pullback(1.0), pullback(2.0)
    for k, arg in enumerate((x, w)):
        fd = np.zeros(2)
        for i in range(2):
            step = np.zeros(2)
            step[i] = 1e-6
            up = [x, w, 4]
            down = [x, w, 4]
            up[k], down[k] = arg + step, arg - step
            fd[i] = (cf.for_range(*up) - cf.for_range(*down)) / 2e-6
        np.testing.assert_allclose(first[k], fd, rtol=1e-6)
        np.testing.assert_allclose(second[k], 2 * fd, rtol=1e-6)


def test_long_loop_has_no_recursion_and_bounded_memory():
    """10,000 iterations: no recursion limit, and the tape grows with what is recorded."""
    import adgen

    grad = adgen.grad(cf.long_loop)
    limit = sys.getrecursionlimit()
    tracemalloc.start()
    g = grad(np.ones(100) * 0.3, 10_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sys.getrecursionlimit() == limit
    # y and sin(y) kept for each of 10,000 iterations: 2 * 10,000 arrays of 100 floats
    recorded = 2 * 10_000 * (100 * 8 + 112)
    assert peak < 2 * recorded, f"peak {peak} bytes for {recorded} recorded"
    expected = check_scalar_chain(0.3, 10_000)
    np.testing.assert_allclose(g, np.full(100, expected), rtol=1e-9)


def check_scalar_chain(y: float, n: int) -> float:
    """d y_n / d y_0 for y_{k+1} = y_k + 1e-4 sin(y_k), by the chain rule worked by hand."""
    d = 1.0
    for _ in range(n):
        d *= 1.0 + 0.0001 * np.cos(y)
        y = y + 0.0001 * np.sin(y)
    return d


GOLDEN_LOOP = '''
def forward_f(x, w, n):
    """Forward sweep of `f` (model.py): its value, and the tape backward_f reads."""
    # for i in range(n):
    h = x
    h_stack = []
    h_2_stack = []
    for i in range(n):
        h_stack.append(h)
        # h = np.tanh(w * h)
        n4 = w * h
        h_2 = np.tanh(n4)
        h_2_stack.append(h_2)
        h = h_2
    return h, (w, n, h_stack, h_2_stack)


def backward_f(tape, h_bar=1.0):
    """Reverse sweep of `f`: adjoints of w, given h_bar."""
    arguments = (tape, h_bar)
    try:
        w, n, h_stack, h_2_stack = tape
        # pop from copies: the tape may be swept back again
        h_stack = list(h_stack)
        h_2_stack = list(h_2_stack)
        w_bar = 0.0
        # for i in range(n): (backwards)
        for i in reversed(range(n)):
            h = h_stack.pop()
            h_2 = h_2_stack.pop()
            # h = h_2
            h_2_bar = h_bar
            # h_2 = np.tanh(n4)
            n4_bar = h_2_bar * (1 - h_2**2)
            # n4 = w * h
            w_bar = w_bar + n4_bar * h
            h_bar = n4_bar * w
        return (w_bar,)
    except ArithmeticError:
        # a Python float at a singular point (1 / 0.0): rerun for numpy's inf, nan
        return backward_f(*numpy_floats_or_raise(*arguments))
'''


def test_golden_loop(compile_text):
    module = compile_text("""
        import numpy as np
        import adgen

        @adgen.wrt("w")
        def f(x: float, w: float, n: int):
            h = x
            for i in range(n):
                h = np.tanh(w * h)
            return h
        """)
    assert textwrap.dedent(GOLDEN_LOOP).strip() in module.__source__
    assert module.grad_f(0.5, 0.8, 3)[0] == pytest.approx(
        _fd(lambda w: _tanh_chain(0.5, w, 3), 0.8), rel=1e-7
    )


def _tanh_chain(x, w, n):
    for _ in range(n):
        x = np.tanh(w * x)
    return x


def _fd(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


GOLDEN_BRANCH = '''
def backward_f(tape, y_bar=1.0):
    """Reverse sweep of `f`: adjoints of x, given y_bar."""
    n2, y = tape
    # if x > 0:
    if n2:
        # y = np.exp(x)
        x_bar = y_bar * y
    else:
        # y = -x
        x_bar = -y_bar
    return (x_bar,)
'''


def test_golden_branch(compile_text):
    module = compile_text("""
        import numpy as np

        def f(x: float):
            if x > 0:
                y = np.exp(x)
            else:
                y = -x
            return y
        """)
    assert textwrap.dedent(GOLDEN_BRANCH).strip() in module.__source__
    assert module.grad_f(0.5)[0] == pytest.approx(np.exp(0.5))
    assert module.grad_f(-0.5)[0] == pytest.approx(-1.0)


@pytest.mark.parametrize("command", ["graph", "trace", "check"])
def test_graph_trace_check_refuse_control_flow_with_a_location(
    tmp_path, capsys, command
):
    """These commands show one fixed graph; a loop gets a located refusal, exit 2."""
    from adgen.cli import main

    model = tmp_path / "model.py"
    model.write_text(
        "import numpy as np\n\n\ndef f(x):\n    for i in range(3):\n        x = np.sin(x)\n    return x\n"
    )
    extra = ["--at", "x=0.5"] if command != "graph" else []
    assert main([command, str(model), *extra]) == 2
    err = capsys.readouterr().err
    assert (
        "model.py:5:5: error:" in err
        and "control flow" in err
        and "Traceback" not in err
    )


def test_committed_example_gradients():
    """generated/control_flow_grad.py (committed) against closed forms and finite differences."""
    import importlib.util

    from conftest import EXAMPLES, ROOT

    spec = importlib.util.spec_from_file_location(
        "control_flow_grad", ROOT / "generated" / "control_flow_grad.py"
    )
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    sys.path.insert(0, str(EXAMPLES))
    try:
        import control_flow as example
    finally:
        sys.path.remove(str(EXAMPLES))
    for a in (0.3, 2.0, 50.0):
        (g,) = generated.grad_newton_sqrt(a)
        assert g == pytest.approx(0.5 / np.sqrt(a), rel=1e-9)
        value, (g,) = generated.value_and_grad_newton_sqrt(a)  # x is carried: the
        assert value == pytest.approx(np.sqrt(a), rel=1e-12)  # pops must not clobber it
        assert g == pytest.approx(0.5 / np.sqrt(a), rel=1e-9)
    for r, delta in ((0.3, 1.0), (-2.5, 1.0)):
        closed = (r, 0.0) if abs(r) <= delta else (delta * np.sign(r), abs(r) - delta)
        np.testing.assert_allclose(generated.grad_huber(r, delta), closed, rtol=1e-12)
    args = (
        rng.standard_normal((6, 3)),
        0.5 * rng.standard_normal((4, 4)),
        0.5 * rng.standard_normal((4, 3)),
        rng.standard_normal(4),
    )
    check_grads(example.rnn, args, wrt=(1, 2, 3), grad_fn=generated.grad_rnn)


@pytest.mark.parametrize(
    "f, args, wrt", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]
)
def test_forward_mode_matches_finite_differences(f, args, wrt):
    """The same cases in forward mode: one jvp sweep per input component."""
    import adgen

    check_grads(f, args, wrt=wrt, grad_fn=adgen.grad(f, wrt, mode="forward"))


GOLDEN_JVP = '''
def jvp_f(x, w, n, w_dot):
    """Forward mode of `f` (model.py): its value, and its derivative along w_dot."""
    try:
        # for i in range(n):
        h = x
        h_dot = 0.0
        for i in range(n):
            # h = np.tanh(w * h)
            n4 = w * h
            n4_dot = w_dot * h + h_dot * w
            h_2 = np.tanh(n4)
            h_2_dot = n4_dot * (1 - h_2**2)
            h = h_2
            h_dot = h_2_dot
        return h, h_dot
    except ArithmeticError:
        # a Python float at a singular point (1 / 0.0): rerun for numpy's inf, nan
        return jvp_f(*numpy_floats_or_raise(x, w, n, w_dot))
'''


def test_golden_jvp_of_a_loop(tmp_path):
    """Forward mode keeps the loop, with each tangent next to its value; no stacks."""
    from adgen.errors import SourceFile
    from adgen.pipeline import run

    text = textwrap.dedent("""
        import numpy as np
        import adgen

        @adgen.wrt("w")
        def f(x: float, w: float, n: int):
            h = x
            for i in range(n):
                h = np.tanh(w * h)
            return h
        """)
    code = run(SourceFile("model.py", text), mode="forward").formatted
    assert textwrap.dedent(GOLDEN_JVP).strip() in code
    namespace: dict = {}
    exec(compile(code, "model_grad.py", "exec"), namespace)
    _, w_dot = namespace["jvp_f"](0.5, 0.8, 3, 1.0)
    assert w_dot == pytest.approx(_fd(lambda w: _tanh_chain(0.5, w, 3), 0.8), rel=1e-7)


SECOND_ORDER = [
    (cf.for_range, (np.array([0.3, -0.2]), np.array([0.5, 0.9]), 3), 1),
    (cf.nested_loops, (np.array([0.1, 0.4, -0.3]), 0.8), 0),
    (cf.for_break, (0.9,), 0),
    (cf.branch_in_loop, (np.array([0.5, -1.0, 2.0, -0.1]),), 0),
    (cf.return_in_loop, (0.7,), 0),
]


@pytest.mark.parametrize(
    "f, args, wrt", SECOND_ORDER, ids=[c[0].__name__ for c in SECOND_ORDER]
)
def test_hessian_through_loops_matches_differences_of_the_gradient(f, args, wrt):
    """Reverse-over-forward: the gradient of jvp_f's tangent (no stacks in forward mode)."""
    import adgen

    H = np.asarray(adgen.hessian(f, wrt)(*args))
    grad = adgen.grad(f, wrt)
    x = np.asarray(args[wrt], dtype=float)
    eps = 1e-6
    columns = []
    for e in np.eye(x.size):
        step = e.reshape(x.shape) * eps
        up = [*args[:wrt], x + step if x.ndim else float(x + step), *args[wrt + 1 :]]
        down = [*args[:wrt], x - step if x.ndim else float(x - step), *args[wrt + 1 :]]
        columns.append((np.asarray(grad(*up)) - np.asarray(grad(*down))) / (2 * eps))
    expected = np.stack(columns, axis=-1).reshape(H.shape)
    np.testing.assert_allclose(H, expected, rtol=1e-5, atol=1e-6)


def test_second_derivative_of_newton_sqrt_closed_form():
    """d²/da² sqrt(a) = -a^(-3/2) / 4, through every iteration of the while loop."""
    import adgen

    for a in (0.5, 2.0, 30.0):
        assert adgen.hessian(cf.while_newton)(a) == pytest.approx(
            -0.25 * a**-1.5, rel=1e-8
        )


def test_second_derivative_through_a_branch():
    """d²/dx² of 3x² (x > 0) and of 3 sin x (x < 0): closed forms."""
    import adgen

    assert adgen.hessian(cf.if_else)(1.3) == pytest.approx(6.0)
    assert adgen.hessian(cf.if_else)(-0.7) == pytest.approx(-3 * np.sin(-0.7))
