"""The runtime API: grad, value_and_grad, vjp, source; wrt conventions of autograd and JAX."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import adgen
from adgen.errors import BadWrt, NonScalarOutput
from adgen.testing import check_grads, numerical_grad


def poly(x: float, y: float):
    return x**3 * y + 2 * y


def weighted(w, x, b):
    return np.sum((x @ w + b) ** 2)


@adgen.wrt("w")
def declared(w, x):
    return np.sum(np.exp(w) * x)


def vector_out(x):
    return np.sin(x) * 2.0


def test_grad_default_is_first_parameter():
    assert adgen.grad(poly)(2.0, 3.0) == pytest.approx(3 * 2.0**2 * 3.0)


def test_grad_by_name_and_tuple():
    assert adgen.grad(poly, wrt="y")(2.0, 3.0) == pytest.approx(2.0**3 + 2)
    gx, gy = adgen.grad(poly, wrt=(0, 1))(2.0, 3.0)
    assert (gx, gy) == (pytest.approx(36.0), pytest.approx(10.0))
    gy2, gx2 = adgen.grad(poly, wrt=("y", "x"))(2.0, 3.0)
    assert (gx2, gy2) == (pytest.approx(36.0), pytest.approx(10.0))


def test_each_gradient_has_its_parameter_shape():
    rng = np.random.default_rng(1)
    w, x, b = (
        rng.standard_normal((3, 2)),
        rng.standard_normal((4, 3)),
        rng.standard_normal(2),
    )
    gw, gb = adgen.grad(weighted, wrt=(0, 2))(w, x, b)
    assert gw.shape == w.shape and gb.shape == b.shape
    check_grads(weighted, (w, x, b), wrt=(0, 2))


def test_value_and_grad():
    value, g = adgen.value_and_grad(poly, wrt=1)(2.0, 3.0)
    assert value == pytest.approx(2.0**3 * 3.0 + 6.0)
    assert g == pytest.approx(10.0)


def test_decorator_sets_default_wrt():
    w, x = np.array([0.1, -0.2]), np.array([3.0, 4.0])
    g = adgen.grad(declared)(w, x)
    np.testing.assert_allclose(g, np.exp(w) * x)  # closed form


def test_vjp_with_an_array_seed():
    x = np.array([0.3, -1.2, 2.0])
    out, pullback = adgen.vjp(vector_out)(x)
    seed = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(out, 2 * np.sin(x))
    np.testing.assert_allclose(pullback(seed), seed * 2 * np.cos(x))  # closed form
    with pytest.raises(ValueError, match="seed has shape"):
        pullback(np.ones(2))


def test_grad_of_non_scalar_output_is_refused():
    with pytest.raises(NonScalarOutput, match="not a scalar"):
        adgen.grad(vector_out)(np.ones(3))


def test_bad_wrt_is_refused():
    with pytest.raises(BadWrt, match="no parameter 'z'"):
        adgen.grad(poly, wrt="z")
    with pytest.raises(BadWrt):
        adgen.grad(poly, wrt=5)


def test_source_is_the_generated_module():
    code = adgen.source(poly, wrt="x")
    assert "def backward_poly(tape" in code and "x_bar" in code and "y_bar" not in code
    assert "import numpy as np" in code


def test_math_functions_on_scalars():
    def_ = adgen.grad(poly)
    assert def_(1.0, 1.0) == pytest.approx(3.0)
    assert numerical_grad(lambda x: math.sin(x), (0.5,), 0) == pytest.approx(
        math.cos(0.5)
    )


def _run_cells(*cells: str) -> dict:
    """Run ``cells`` as IPython does: each its own file, its source in linecache,
    all in one namespace; returns the namespace."""
    import linecache

    scope = {"__name__": "__main__"}
    for cell in cells:
        name = f"<ipython-input-{next(_CELL_NUMBERS)}-test>"
        linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)
        exec(compile(cell, name, "exec"), scope)
    return scope


_CELL_NUMBERS = itertools.count()  # unique cell names: linecache is per process


def test_notebook_cells_see_imports_and_helpers_of_other_cells():
    """In a notebook, `import numpy as np` and `relu` usually live in other cells."""
    scope = _run_cells(
        "import numpy as np\n\ndef relu(z):\n    return np.maximum(z, 0)\n",
        "def loss(w):\n    return np.sum(relu(w) ** 2)\n",
    )
    w = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(adgen.grad(scope["loss"])(w), 2 * np.maximum(w, 0))


def test_notebook_helper_in_the_same_cell_sees_imports_of_other_cells():
    """`relu` beside `net` in one cell, `import numpy as np` in an earlier cell:
    the helper's own globals must be looked up too (it was refused: np undefined)."""
    scope = _run_cells(
        "import numpy as np\n",
        "def relu(z):\n    return np.maximum(z, 0)\n\n\n"
        "def net(x, w):\n    return w * relu(x) + np.sin(x)\n",
    )
    # closed form: d/dx (w * relu(x) + sin x) = w * (x > 0) + cos x
    assert adgen.grad(scope["net"])(0.5, 3.0) == pytest.approx(3.0 + math.cos(0.5))
    assert adgen.grad(scope["net"])(-0.5, 3.0) == pytest.approx(math.cos(-0.5))


# --- functions whose source Python did not keep -------------------------------------------


@pytest.mark.parametrize(
    "argv, stdin, where",
    [
        (["-c", "{code}"], None, "in `python -c`"),
        (["-i"], "{code}\n", "in the interactive interpreter"),
    ],
    ids=["python-c", "repl"],
)
def test_grad_of_a_function_without_source_says_where_source_must_be(
    argv, stdin, where
):
    import subprocess
    import sys

    code = (
        "import adgen, numpy as np\n"
        "def f(x):\n"
        "    return np.sin(x)\n"
        "\n"
        "adgen.grad(f)(1.0)\n"
    )
    result = subprocess.run(
        [sys.executable, *(a.format(code=code) for a in argv)],
        input=stdin.format(code=code) if stdin else None,
        capture_output=True,
        text=True,
    )
    assert "SourceUnavailable" in result.stderr and "OSError" not in result.stderr
    assert f"cannot read the source of `f`: it was defined {where}" in result.stderr
    assert "define it in a .py file" in result.stderr


def test_each_generated_scalar_check_names_its_own_function(compile_text):
    module = compile_text("""
        def double(x):
            return x * 2.0
        """)
    assert module.value_and_grad_double(3.0) == (6.0, (2.0,))  # d(2x)/dx = 2
    with pytest.raises(ValueError, match=r"^value_and_grad_double needs a scalar"):
        module.value_and_grad_double(np.ones(3))
    with pytest.raises(ValueError, match=r"^grad_double needs a scalar"):
        module.grad_double(np.ones(3))


def sine_sum(x):
    return np.sum(np.sin(x))


@pytest.mark.parametrize("point", [(0.5, 2.0), [0.5, 2.0]], ids=["tuple", "list"])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_tuple_or_list_argument_is_an_array_in_both_modes(point, mode):
    """As reverse mode always did: the gradient is the array the sequence converts to."""
    g = adgen.grad(sine_sum, mode=mode)(point)
    assert isinstance(g, np.ndarray) and g.shape == (2,)
    np.testing.assert_allclose(g, np.cos(point), rtol=1e-12)  # d/dx sum(sin x) = cos x
    jac = adgen.jacobian(sine_sum, mode=mode)(point)
    np.testing.assert_allclose(jac, np.cos(point), rtol=1e-12)


def test_jvp_with_a_tuple_argument_and_tangent():
    _, out_dot = adgen.jvp(sine_sum)((0.5, 2.0), (1.0, 3.0))
    assert out_dot == pytest.approx(np.cos(0.5) + 3.0 * np.cos(2.0), rel=1e-12)
