"""grad_f forwards the seed and adjoint copies (adgen/fuse.py): golden code, and the
same gradients as the unoptimised backward_f and as closed forms."""

from __future__ import annotations

import ast
import math
import textwrap

import numpy as np
import pytest

LECTURE = """
import numpy as np

def g(x1: float, x2: float):
    return np.log(x1) + x1 * x2 - np.sin(x2)
"""

GOLDEN = '''
def grad_g(x1, x2):
    """Gradient of `g` with respect to x1, x2: both sweeps fused, no tape."""
    # Floats: math (a fifth of numpy's time a call), each value read once
    # folded into its reader. Arrays, and where math raises (log(0), 1 / 0),
    # numpy's two sweeps, with numpy's inf and nan.
    try:
        x2_bar = x1 - math.cos(x2)
        x1_bar = x2 + 1.0 / x1
        return x1_bar, x2_bar
    except (ArithmeticError, TypeError, ValueError):
        x1, x2 = numpy_floats(x1, x2)
    return backward_g(forward_g(x1, x2)[1])
'''


def test_lecture_gradient_is_the_hand_derived_one(compile_text):
    module = compile_text(LECTURE)
    assert textwrap.dedent(GOLDEN).strip() in module.__source__
    assert "n7_bar = n7_bar" not in module.__source__
    assert "n5_bar = n7_bar" in module.__source__  # backward_g keeps every step
    x1, x2 = 2.0, 5.0
    expected = (1 / x1 + x2, x1 - math.cos(x2))  # the lecture's closed form
    assert module.grad_g(x1, x2) == pytest.approx(expected, rel=1e-15)
    _, tape = module.forward_g(x1, x2)
    assert module.backward_g(tape) == pytest.approx(expected, rel=1e-15)


def test_forwarding_keeps_values_at_singular_points(compile_text):
    """inf and nan as numpy gives them, in grad_f as in backward_f."""
    module = compile_text(LECTURE)
    with np.errstate(divide="ignore"):
        fused = module.grad_g(np.float64(0.0), np.float64(1.0))
        _, tape = module.forward_g(np.float64(0.0), np.float64(1.0))
        plain = module.backward_g(tape)
    assert np.isinf(fused[0]) and np.isinf(plain[0])
    assert fused[1] == plain[1]


def test_network_gradients_match_backward(compile_text):
    module = compile_text("""
        import numpy as np
        from adgen import shapes

        @shapes(X="n 2", W="2 3", b="3")
        def f(X, W, b):
            H = np.tanh(X @ W + b)
            return np.mean(H ** 2) - np.sum(H) * 0.5
        """)
    rng = np.random.default_rng(3)
    args = (
        rng.standard_normal((5, 2)),
        rng.standard_normal((2, 3)),
        rng.standard_normal(3),
    )
    _, tape = module.forward_f(*args)
    for fused, plain in zip(module.grad_f(*args), module.backward_f(tape), strict=True):
        np.testing.assert_allclose(fused, plain, rtol=1e-14, atol=1e-15)


def test_value_and_grad_is_the_value_and_the_gradient(compile_text):
    module = compile_text(LECTURE)
    x1, x2 = 2.0, 5.0
    value, grads = module.value_and_grad_g(x1, x2)
    assert value == pytest.approx(math.log(x1) + x1 * x2 - math.sin(x2), rel=1e-15)
    assert grads == pytest.approx((1 / x1 + x2, x1 - math.cos(x2)), rel=1e-15)


def test_mean_spreads_over_an_operand_so_the_square_is_not_computed(compile_text):
    """np.mean((Y - T) ** 2): the mean's adjoint takes the shape of Y - T, so grad_f
    never computes the square (reverse.shape_donor); the gradient is the closed form."""
    module = compile_text("""
        import numpy as np
        from adgen import shapes

        @shapes(Y="n 1", T="n 1")
        def f(Y, T):
            return np.mean((Y - T) ** 2)
        """)
    source = module.__source__
    grad_source = source[
        source.index("def grad_f") : source.index("def value_and_grad_f")
    ]
    assert "n4 = n3**2" in source and "n4 = n3**2" not in grad_source
    rng = np.random.default_rng(5)
    Y, T = rng.standard_normal((6, 1)), rng.standard_normal((6, 1))
    gY, gT = module.grad_f(Y, T)
    np.testing.assert_allclose(gY, 2 * (Y - T) / 6, rtol=1e-14)
    np.testing.assert_allclose(gT, -2 * (Y - T) / 6, rtol=1e-14)


def _folded(source: str, width: int = 60) -> str:
    """The statements of ``source`` folded, as text (through the output IR)."""
    from adgen import program as P
    from adgen.optimize.copies import fold_single_uses

    body = [_as_ir(s) for s in ast.parse(textwrap.dedent(source)).body]
    return "\n".join(P.print_statements(tuple(fold_single_uses(body, width))))


def _as_ir(stmt: ast.stmt):
    from adgen import program as P

    if isinstance(stmt, ast.Assign):
        return P.assignment(stmt.targets[0].id, stmt.value)
    if isinstance(stmt, ast.Delete):
        return P.Delete(tuple(t.id for t in stmt.targets))
    assert isinstance(stmt, ast.Return)
    return P.Return(stmt.value)


KEPT = None  # the statements stay as they are


@pytest.mark.parametrize(
    "source, folded",
    [
        # read once: folded into the reader
        ("a = math.log(x)\nb = a + y\nreturn b", "b = math.log(x) + y\nreturn b"),
        # an adjoint's accumulation, and -a + b spelled b - a
        (
            "x_bar = -math.cos(y)\nz_bar = y\nx_bar = x_bar + z\nreturn (x_bar, z_bar)",
            "z_bar = y\nx_bar = z - math.cos(y)\nreturn x_bar, z_bar",
        ),
        # the fold keeps the order of operations: parenthesized where it nests
        ("a = y + z\nb = x - a\nreturn b", "b = x - (y + z)\nreturn b"),
        ("a = x * y\nb = a + a\nreturn b", KEPT),  # read twice
        ("a = x * y\nreturn a", KEPT),  # returned: the name stays
        (  # x changes before a's reader: a stays; x + 1.0 is read twice
            "a = x * y\nx = x + 1.0\nb = a + x\nc = b * x\nreturn c",
            "a = x * y\nx = x + 1.0\nc = (a + x) * x\nreturn c",
        ),
        ("a = x * y\ndel x\nb = a + 1.0\nreturn b", KEPT),  # x deleted first
        ("a = x * y\nb = a + 1.0\ndel a\nreturn b", KEPT),  # del reads a too
        (  # the read is of the second a
            "a = x * y\na = 2.0 * y\nb = a + x\nreturn b",
            "a = x * y\nb = 2.0 * y + x\nreturn b",
        ),
        (
            "a = math.log(x1) + math.sin(x2)\nb = a * math.cos(x1 * x2) + math.tanh(x2)\nreturn b",
            KEPT,  # wider than 60 characters
        ),
    ],
)
def test_fold_single_uses(source, folded):
    assert _folded(source) == (source if folded is KEPT else folded)


def test_fold_keeps_values_bit_for_bit():
    """The folded statements compute the same floats as the unfolded ones."""
    source = """
    n3 = math.log(x1)
    n4 = x1 * x2
    n5 = n3 + n4
    n6 = math.sin(x2)
    n7 = n5 - n6
    x2_bar = -math.cos(x2)
    x1_bar = x2
    x2_bar = x2_bar + x1
    x1_bar = x1_bar + 1.0 / x1
    return (n7, x1_bar, x2_bar)
    """
    folded = _folded(source)
    assert folded.count("\n") == 3  # n7, x2_bar, x1_bar and the return
    run = {}
    for name, text in [("plain", textwrap.dedent(source)), ("folded", folded)]:
        body = textwrap.indent(text.strip(), "    ")
        exec(f"import math\ndef {name}(x1, x2):\n{body}", run)
    rng = np.random.default_rng(7)
    for x1, x2 in rng.uniform(0.01, 10.0, size=(200, 2)):
        assert run["folded"](x1, x2) == run["plain"](x1, x2)
        assert run["plain"](x1, x2)[1:] == pytest.approx(
            (1 / x1 + x2, x1 - math.cos(x2)), rel=1e-14
        )  # and both are the closed form
