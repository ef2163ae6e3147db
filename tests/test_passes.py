"""Each pass on its own: golden source-in / IR-out tests, and the grammar after normalize."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from adgen.errors import SourceFile
from adgen.pipeline import dump, run
from adgen.shapes import SCALAR, Same, broadcast, reduction


def stages(source: str, functions=None, wrt=None):
    return run(SourceFile("m.py", textwrap.dedent(source)), functions, wrt)


def test_normalize_one_primitive_per_assignment_golden():
    s = stages("""
        import numpy as np

        def f(x1, x2):
            return np.log(x1) + x1 * x2 - np.sin(x2)
        """)
    assert dump(s, "normalize") == textwrap.dedent("""\
        def f(x1, x2):  # wrt x1, x2
            n3 = log(x1)
            n4 = mul(x1, x2)
            n5 = add(n3, n4)
            n6 = sin(x2)
            n7 = sub(n5, n6)
            return n7""")


def test_reassignment_and_augmented_assignment_make_new_versions():
    s = stages("""
        def f(x, y):
            h = x * y
            h = h + x
            h += 1.0
            a, b = h, x
            a, b = b, a
            return a * b
        """)
    anf = dump(s, "normalize")
    assert (
        "h = mul(x, y)" in anf
        and "h_2 = add(h, x)" in anf
        and "h_3 = add(h_2, 1.0)" in anf
    )
    assert (
        "return n" in anf
    )  # swap by tuple assignment makes no copy: a*b reads x and h_3
    assert "mul(x, h_3)" in anf


def test_aliases_and_constants_make_no_nodes():
    s = stages("""
        SCALE = 0.5

        def f(x):
            y = x
            c = SCALE
            return y * c
        """)
    assert dump(s, "normalize").splitlines()[1:] == [
        "    n2 = mul(x, 0.5)",
        "    return n2",
    ]


def test_helpers_are_inlined_with_the_callers_name():
    s = stages("""
        import numpy as np

        def relu(z):
            return np.maximum(z, 0)

        def f(x):
            h = relu(x * 2.0)
            return np.sum(h)
        """)
    anf = dump(s, "normalize")
    assert "h = maximum(n2, 0)" in anf
    assert "in relu: return np.maximum(z, 0)" in s.formatted
    assert "def grad_relu" not in s.formatted  # a helper of f, not a target of its own


def test_user_names_never_shadow_emitted_globals():
    s = stages("""
        import numpy

        def f(np, tape):
            return numpy.sin(np) * tape
        """)
    assert "def forward_f(np_, tape_):" in s.formatted
    namespace: dict = {}
    exec(s.formatted, namespace)
    g = namespace["grad_f"](0.5, 2.0)
    assert g == pytest.approx((2.0 * np.cos(0.5), np.sin(0.5)))  # closed form


def test_temporaries_skip_names_the_user_took():
    s = stages("""
        def f(x1, x2):
            n4 = x1 + x2
            return x1 * x2 * n4
        """)
    anf = dump(s, "normalize")
    assert "n4 = add(x1, x2)" in anf and "n4_ = mul(x1, x2)" in anf


def test_activity_analysis_drops_inactive_adjoints():
    s = stages(
        """
        import numpy as np

        def loss(w, x, t):
            n = x.shape[0]
            err = x @ w - t
            return np.sum(err ** 2) / n
        """,
        wrt=["w"],
    )
    graph = dump(s, "graph")
    assert "active" in graph
    code = s.formatted
    assert (
        "w_bar" in code
        and "x_bar" not in code
        and "t_bar" not in code
        and "n_bar" not in code
    )


def test_dead_code_is_removed():
    s = stages("""
        import numpy as np

        def f(x):
            unused = np.exp(x)
            return x * 2.0
        """)
    assert "exp" not in s.formatted


def test_output_independent_of_a_parameter_gets_zero_of_its_shape():
    s = stages("""
        import numpy as np

        def f(x, y: float, z):
            return np.sum(x * 3.0)
        """)
    namespace: dict = {}
    exec(s.formatted, namespace)
    gx, gy, gz = namespace["grad_f"](np.ones(2), 1.0, np.ones((2, 3)))
    assert gy == 0.0 and gz.shape == (2, 3) and not gz.any()
    np.testing.assert_allclose(gx, 3.0)


def test_shape_inference_and_unbroadcast_plan():
    assert broadcast(("n", 3), (3,)) == ("n", 3)
    assert broadcast(Same("x"), SCALAR) == Same("x")
    # unknown shapes broadcast to the broadcast of their origins', in any order
    assert broadcast(Same("x"), Same("y")) == Same("y", "x")
    assert broadcast(Same("x", "y"), Same("x")) == Same("x", "y")
    assert broadcast(Same("x"), ("n", 3)) is None
    assert reduction(Same("x"), Same("x", "y")).dynamic
    assert reduction((3,), ("n", 3)).lead == 1
    assert reduction(("n", 1), ("n", 3)).keep == (1,)
    assert reduction(SCALAR, ("n",)).to_scalar
    assert reduction(Same("x"), Same("x")).is_identity
    assert reduction(Same("x"), None).dynamic


def test_declared_shapes_give_textbook_backprop():
    s = stages(
        """
        import numpy as np

        from adgen import shapes

        @shapes(X="n 4", W="4 3", b="3")
        def loss(X, W, b):
            return np.sum(np.tanh(X @ W + b))
        """,
        wrt=["W", "b"],
    )
    code = s.formatted
    assert "W_bar = X.T @ n4_bar" in code
    assert "b_bar = n5_bar.sum(axis=0)" in code
    assert "unbroadcast" not in code


def test_emitted_code_has_no_tape_in_grad_and_minimal_tape_in_forward():
    s = stages("""
        import numpy as np

        def f(x, y):
            return np.sum(np.exp(x) * y)
        """)
    grad_body = s.formatted.split("def grad_f")[1].split('"""')[
        2
    ]  # after the docstring
    assert "tape" not in grad_body
    forward_src = s.formatted.split("def forward_f")[1].split("def backward_f")[0]
    # exp(x) is reused; x (a parameter: the caller's array, no copy) only for its
    # shape, the one reduction of x_bar, now that n3_bar is not reduced to n3's
    assert "return n5, (x, y, n3, n4)" in forward_src


def test_grad_needs_a_scalar_output():
    s = stages("""
        import numpy as np
        from adgen import shapes

        def unknown(x):
            return x * 2.0

        @shapes(x="n")
        def known(x):
            return x * 2.0
        """)
    assert "# No grad_known: `known` returns an array of shape ('n',)" in s.formatted
    namespace: dict = {}
    exec(s.formatted, namespace)
    assert namespace["grad_unknown"](3.0) == (2.0,)
    with pytest.raises(ValueError, match="needs a scalar output"):
        namespace["grad_unknown"](np.ones(3))
    _out, tape = namespace["forward_known"](np.ones(3))
    (x_bar,) = namespace["backward_known"](tape, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(
        x_bar, [2.0, 4.0, 6.0]
    )  # closed form: d(2x)/dx times the seed
