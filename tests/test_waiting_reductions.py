"""Reductions only where needed: with unknown shapes an adjoint waits in the
broadcast shape and is reduced once (at a parameter, a non-elementwise node, or
a sum with a differently stretched adjoint).  Exact for every broadcasting case:
each model is compiled without annotations and its gradients, fused and swept
with a seed, are compared with autograd's, for scalars, Python floats,
(3, 1) + (1, 4), and rank-promoting arguments."""

from __future__ import annotations

import math
import re
import sys
import textwrap
from pathlib import Path

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from adgen.errors import SourceFile
from adgen.pipeline import compile_source
from adgen.testing import check_grads

ROOT = Path(__file__).resolve().parents[1]

MODELS = {
    "lecture": """
        def f(x1, x2):
            return np.log(x1) + x1 * x2 - np.sin(x2)
        """,
    "chain": """
        def f(x, y, z):
            a = x * y
            b = np.exp(a) + z
            return np.sum(b * y + a)
        """,
    "two_stretches": """
        def f(x, y, z):
            return np.sum(x * y + np.cos(x) * z)
        """,
    "matmul_consumer": """
        def f(x, b, W):
            h = (x + b) @ W
            return np.sum(np.tanh(h)) + np.sum(b**2)
        """,
    "loop_and_branch": """
        def f(x, y, z):
            s = x * y
            for i in range(3):
                s = s + np.sin(x) * i * z
            if np.sum(y) > 0:
                s = s * z
            return np.sum(s * y)
        """,
    "different_stretches": """
        def f(x, y, z):
            a = np.sum(x * z, axis=0)
            return np.sum(a * y + x * y)
        """,
    "recurrent": """
        def f(W, b, xs, h0):
            h = h0
            for t in range(4):
                h = np.tanh(h @ W + xs[t] + b)
            return np.sum(h**2)
        """,
    "kink": """
        def f(x, y):
            h = np.maximum(x * y, 0)
            return np.mean(h**2 + x)
        """,
}

RNG = np.random.default_rng(7)


def _arrays(*shapes):
    return [RNG.uniform(0.5, 1.5, s) if s != "float" else 1.25 for s in shapes]


CASES = {
    "lecture": [
        ((), ()),
        ("float", "float"),
        ((), (4,)),
        ((3, 1), (1, 4)),
        ((4,), (2, 3, 4)),
    ],
    "chain": [
        ((), (3,), ()),
        ((3, 1), (1, 4), (4,)),
        ((4,), (2, 1, 4), ()),
        ("float", (3,), (2, 3)),
    ],
    "two_stretches": [
        ((), (3, 1), (1, 4)),
        ((1, 1), (3, 1), (4,)),
        ((4,), (2, 1, 4), (1, 3, 1)),
    ],
    "matmul_consumer": [
        ((5, 3), (3,), (3, 2)),
        ((5, 3), (1, 3), (3, 2)),
        ((3,), (2, 1, 3), (3, 4)),
    ],
    "loop_and_branch": [
        ((), (3,), (2, 3)),
        ((3, 1), (1, 4), ()),
        ((4,), (2, 3, 4), (3, 1)),
    ],
    "different_stretches": [
        ((3, 1), (4,), (2, 3, 1)),
        ((), (3,), (2, 1)),
        ((1, 4), (3, 1), (2, 1, 4)),
    ],
    "recurrent": [((3, 3), (3,), (4, 2, 3), (2, 3)), ((3, 3), (1, 3), (4, 1, 3), (3,))],
    "kink": [((), (5,)), ((3, 1), (1, 4)), ((4,), (2, 3, 4))],
}


def _compiled(name: str):
    source = "import numpy as np\n" + textwrap.dedent(MODELS[name])
    code = compile_source(SourceFile(f"{name}.py", source))
    generated: dict = {}
    exec(compile(code, f"{name}_grad.py", "exec"), generated)
    reference: dict = {"np": anp}
    exec(textwrap.dedent(MODELS[name]), reference)
    return generated, reference["f"], code


@pytest.mark.parametrize(
    "name, shapes", [(n, s) for n, cases in CASES.items() for s in cases]
)
def test_waiting_reductions_match_autograd(name, shapes):
    """Every sweep, against autograd's vector-Jacobian product: ``backward_f`` with
    a random seed of the output's shape, and the fused functions where the
    output is a scalar."""
    generated, reference, _ = _compiled(name)
    args = _arrays(*shapes)
    out, tape = generated["forward_f"](*args)
    seed = RNG.standard_normal(np.shape(out))
    vjp, _ = autograd.make_vjp(reference, list(range(len(args))))(*args)
    results = [(generated["backward_f"](tape, seed), vjp(seed))]
    if np.ndim(out) == 0:
        expected = vjp(1.0)
        results.append((generated["grad_f"](*args), expected))
        results.append((generated["value_and_grad_f"](*args)[1], expected))
    for got, expected in results:
        for g, e, a in zip(got, expected, args, strict=True):
            assert np.shape(g) == np.shape(a)
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "shapes", [((), (4,), ()), ((3, 1), (1, 4), (4,)), ((4,), (2, 1, 4), (1, 3, 1))]
)
def test_an_array_seed_reaches_each_operand_summed_once(shapes):
    """``backward_f`` with a seed of the output's shape: the waiting adjoints are
    that seed times partials, reduced once to each operand's shape."""
    source = "import numpy as np\n\ndef f(x, y, z):\n    return np.exp(x) * y - z / y\n"
    generated: dict = {}
    exec(compile_source(SourceFile("vec.py", source)), generated)
    args = _arrays(*shapes)
    out, tape = generated["forward_f"](*args)
    seed = RNG.standard_normal(np.shape(out))
    got = generated["backward_f"](tape, seed)
    vjp, _ = autograd.make_vjp(lambda x, y, z: anp.exp(x) * y - z / y, list(range(3)))(
        *args
    )
    for g, e, a in zip(got, vjp(seed), args, strict=True):
        assert np.shape(g) == np.shape(a)
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_the_lecture_as_written_reduces_before_dividing_only():
    """The unannotated lecture: the adjoints pass through unreduced, x2's is summed
    back to its shape once; x1's waiting sum is taken before ``/ x1`` (at x1 = 0
    the sum of quotients would be inf - inf where the quotient of the sum is inf)."""
    _, _, code = _compiled("lecture")
    backward = code.split("def backward_f")[1].split("def grad_f")[0]
    assert backward.count("unbroadcast(") == 3
    assert "x2_bar = unbroadcast(x2_bar + n4_bar * x1, x2)" in backward
    assert "n3_bar = unbroadcast(n3_bar, x1)" in backward
    assert "x1_bar = unbroadcast(x1_bar, x1) + n3_bar / x1" in backward


def test_past_the_scalar_check_the_lecture_reads_like_the_lecture():
    """grad_f checks that the output is a scalar; the lecture's output has the
    broadcast shape of x1 and x2, which is () only where both are, so the fused
    functions need no reduction at all: ``x1_bar = x1_bar + 1.0 / x1``.  Arrays
    there meet the check, not a gradient of the wrong shape."""
    generated, reference, code = _compiled("lecture")
    for role in ("grad_f", "value_and_grad_f"):
        body = code.split(f"def {role}(")[1].split("\ndef ")[0]
        fused = body.split("except ArithmeticError")[0]
        assert "unbroadcast(" not in fused, body
    assert "x1_bar = x1_bar + 1.0 / x1" in code
    expected = autograd.grad(reference, (0, 1))(2.0, 5.0)
    for args in [(2.0, 5.0), (np.float64(2.0), np.array(5.0))]:
        got = generated["grad_f"](*args)
        np.testing.assert_allclose(got, expected, rtol=1e-14)
        assert [np.shape(g) for g in got] == [(), ()]
    with pytest.raises(ValueError, match="needs a scalar output"):
        generated["grad_f"](np.array([2.0, 3.0]), 5.0)


def test_past_the_scalar_check_only_the_broadcast_operands_are_scalars():
    """f(x, W) = tanh(x) * sum(W): the output's shape is x's, so past the check x
    is a scalar; W, summed, keeps its own shape and its adjoint that shape."""
    source = "import numpy as np\n\ndef f(x, W):\n    return np.tanh(x) * np.sum(W)\n"
    generated: dict = {}
    exec(compile_source(SourceFile("partial.py", source)), generated)
    W = RNG.standard_normal((3, 2))
    expected = autograd.grad(lambda x, W: anp.tanh(x) * anp.sum(W), (0, 1))(0.3, W)
    for got in [generated["grad_f"](0.3, W), generated["value_and_grad_f"](0.3, W)[1]]:
        np.testing.assert_allclose(got[0], expected[0], rtol=1e-12)
        np.testing.assert_allclose(got[1], expected[1], rtol=1e-12)
        assert np.shape(got[1]) == (3, 2)


def test_a_singular_factor_multiplies_the_sum_not_each_term():
    """sum(x * (1 / s)) at s = 0: d/ds = -sum(x) / s**2 = inf, as autograd says; the
    sum of the terms' quotients would be inf - inf = nan."""
    source = "import numpy as np\n\ndef f(x, s):\n    return np.sum(x * (1.0 / s))\n"
    generated: dict = {}
    exec(compile_source(SourceFile("singular.py", source)), generated)
    x = np.array([1.0, -2.0])
    with np.errstate(all="ignore"):
        _, gs = generated["grad_f"](x, np.float64(0.0))
        expected = autograd.grad(lambda x, s: anp.sum(x * (1.0 / s)), 1)(
            x, np.float64(0.0)
        )
    assert gs == expected == np.inf


@pytest.mark.parametrize("path", ["lecture.py", "lab_net.py"])
def test_unannotated_examples_reduce_once_per_parameter_and_consumer(path):
    """examples/unannotated: each gradient function reduces each parameter's adjoint
    at most once (the lecture's x1 twice: once before ``/ x1``), and the
    network's adjoint once before each matmul."""
    text = (ROOT / "examples" / "unannotated" / path).read_text()
    code = compile_source(SourceFile(path, text))
    bodies = code.split("\ndef ")[1:]
    for body in bodies:
        if body.startswith(("backward_", "grad_", "value_and_grad_")):
            limit = 3 if path == "lecture.py" else 4 + 2  # params + matmuls, / x1
            assert body.count("unbroadcast(") <= limit, body


def test_math_results_are_python_floats_and_need_no_reduction(compile_text):
    """``math.sin(x)`` is a float whatever ``x`` was: only the product with the array
    ``y`` stretches, and each parameter's adjoint is reduced once (checked against
    central finite differences)."""
    model = compile_text("""
        import math
        import numpy as np

        def f(x, y):
            return np.sum(math.sin(x) * y) + math.exp(x) * 2.0
        """)
    backward = model.__source__.split("def backward_f")[1].split("def grad_f")[0]
    assert backward.count("unbroadcast(") <= 2
    args = [0.7, RNG.uniform(0.5, 1.5, (3, 2))]

    def f(x, y):
        return np.sum(math.sin(x) * y) + math.exp(x) * 2.0

    check_grads(f, args, [0, 1], model.grad_f)
    check_grads(
        f, args, [0, 1], lambda x, y: model.backward_f(model.forward_f(x, y)[1])
    )


def test_a_loop_bodys_own_adjoints_wait_within_the_iteration():
    """In a recurrent loop only the values the backward sweep needs are pushed:
    the sums ``h @ W + xs[t] @ U`` and ``... + b`` are not kept for their shapes
    (benchmarks/rnn.py: its gradient's peak memory went from 16.4 to 10.3 MiB)."""
    text = (ROOT / "benchmarks" / "rnn.py").read_text()
    code = compile_source(SourceFile("rnn.py", text))
    grad = code.split("def grad_rnn")[1].split("def value_and_grad_rnn")[0]
    pushed = sorted(set(re.findall(r"(\w+)_stack.append", grad)))
    assert pushed == ["h", "h_2", "n6", "n7", "n8"], pushed
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import rnn_memory
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    generated: dict = {}
    exec(compile(code, "rnn_grad.py", "exec"), generated)
    args = rnn_memory.arguments()
    for got, want in zip(
        generated["grad_rnn"](*args), rnn_memory.hand_grad(*args), strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
