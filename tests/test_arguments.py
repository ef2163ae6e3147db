"""Python arguments in every emitted function (issue 12, items 4 and 6; adgen/optimize/arguments.py).

* Python floats at singular points give numpy's inf and nan, with numpy's
  RuntimeWarning, in forward_f, backward_f, grad_f, value_and_grad_f and jvp_f
  of an unannotated model, and in the runtime API.  References: the closed
  form evaluated by numpy on a numpy float, and autograd at a numpy float.
* A list or tuple passed for an array is the array it spells (``w + w`` adds),
  in both modes; a tuple the model uses as an index stays a tuple.  References:
  closed forms.
* A module constant that is a list: the rules read it as numpy does (``x ** W``,
  ``np.dot(x, W)``), the primal keeps Python's list operations (``W + W``
  joins).  References: autograd on the same program, closed forms.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import warnings

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adgen
from adgen.cli import main

SINGULAR = """
import numpy as np


def log(x):
    return np.log(x)


def reciprocal(x):
    return 1 / x


def inverse_power(x):
    return x ** -1


def root(x):
    return np.sqrt(x) * 3.0


def square(x):
    return x ** 2 + 1.0


def scaled(x, s):
    return np.sum(x * (1.0 / s))
"""

# f, point, value, derivative: closed forms, evaluated by numpy on a numpy float
CLOSED_FORMS = {
    "log": (0.0, lambda x: np.log(x), lambda x: 1 / x),
    "reciprocal": (0.0, lambda x: 1 / x, lambda x: -1 / x**2),
    "inverse_power": (0.0, lambda x: x**-1, lambda x: -(x**-2)),
    "root": (0.0, lambda x: np.sqrt(x) * 3.0, lambda x: 1.5 / np.sqrt(x)),
    "square": (1e200, lambda x: x**2 + 1.0, lambda x: 2 * x),  # x**2 overflows
}


@pytest.fixture(scope="module")
def singular(tmp_path_factory):
    """SINGULAR compiled by the command line (both modes), imported."""
    folder = tmp_path_factory.mktemp("singular")
    return _compile_with_cli(folder, "singular", SINGULAR)


@pytest.fixture(scope="module")
def singular_model(tmp_path_factory):
    """SINGULAR itself, imported from a file (the runtime API reads its source)."""
    path = tmp_path_factory.mktemp("model") / "singular_model.py"
    path.write_text(SINGULAR)
    return _imported(path)


def _compile_with_cli(folder, name: str, text: str):
    model = folder / f"{name}.py"
    model.write_text(textwrap.dedent(text))
    assert main(["compile", str(model), "-o", str(folder), "--mode", "both"]) == 0
    return _imported(folder / f"{name}_grad.py")


def _imported(path):
    spec = importlib.util.spec_from_file_location(f"{path.stem}_{id(path)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _numpy_says(closed_form, x: float):
    with np.errstate(all="ignore"):
        return closed_form(np.float64(x))


def _same(got, expected) -> None:
    """Equal, infs and nans included, and a float (Python's or numpy's), not an array."""
    assert isinstance(got, float), type(got)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_every_emitted_function_gives_numpys_inf_on_python_floats(singular, name):
    x, value, derivative = CLOSED_FORMS[name]
    m = vars(singular)
    expected_value, expected = _numpy_says(value, x), _numpy_says(derivative, x)
    with pytest.warns(RuntimeWarning):  # numpy's warning, as numpy gives it
        both = m[f"value_and_grad_{name}"](x)
    _same(both[0], expected_value)
    _same(both[1][0], expected)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got_value, tape = m[f"forward_{name}"](x)
        _same(got_value, expected_value)
        _same(m[f"backward_{name}"](tape)[0], expected)
        _same(m[f"backward_{name}"](tape, 2.0)[0], 2 * expected)
        _same(m[f"grad_{name}"](x)[0], expected)
        jvp_value, tangent = m[f"jvp_{name}"](x, 0.5)
        _same(jvp_value, expected_value)
        _same(tangent, 0.5 * expected)


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_the_runtime_api_agrees_with_autograd_at_singular_points(singular_model, name):
    """autograd, given a numpy float (on a Python float it raises as Python does)."""
    f = getattr(singular_model, name)
    x = CLOSED_FORMS[name][0]
    traced: dict = {"np": anp}
    exec(SINGULAR.replace("import numpy as np", ""), traced)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = autograd.grad(traced[name])(np.float64(x))
        for mode in ("reverse", "forward"):
            np.testing.assert_array_equal(adgen.grad(f, mode=mode)(x), expected)
        _, tangent = adgen.jvp(f)(x, 1.0)
        np.testing.assert_array_equal(tangent, expected)


def test_away_from_singular_points_python_floats_stay_python_floats(singular):
    """The rerun happens only where Python raises: elsewhere nothing changes."""
    assert type(singular.grad_square(3.0)[0]) is float
    assert singular.grad_square(3.0) == (6.0,)  # 2x
    assert type(singular.jvp_reciprocal(2.0, 1.0)[1]) is float
    assert singular.jvp_reciprocal(2.0, 1.0) == (0.5, -0.25)  # -1/x**2


def test_a_python_float_beside_float32_arrays_becomes_a_float32(singular):
    """1.0 / s raises for s = 0.0; rerun, s is np.float32(0.0): float32 stays float32."""
    x = np.array([1.0, -2.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gx, gs = singular.grad_scaled(x, 0.0)
    assert gx.dtype == np.float32
    np.testing.assert_array_equal(gx, [np.inf, np.inf])  # d/dx = 1/s
    np.testing.assert_array_equal(gs, -np.inf * np.sum(x))  # d/ds = -sum(x)/s**2


def test_an_int_divided_by_zero_still_raises(singular):
    """Only Python floats are made numpy's: an int 0 raises as in the model."""
    with pytest.raises(ZeroDivisionError):
        singular.forward_reciprocal(0)


LISTS = """
import numpy as np


def doubled(w):
    return np.sum(w + w)


def square_norm(x):
    return np.dot(x, x)


def weighted(x, d):
    return np.sum(x * (d + d))


def picked(x, idx):
    return np.sum(x[idx] * 2.0)
"""


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    return _compile_with_cli(tmp_path_factory.mktemp("lists"), "lists", LISTS)


@pytest.mark.parametrize("point", [[1.0, 2.0], (1.0, 2.0)], ids=["list", "tuple"])
def test_a_list_is_the_array_it_spells_in_every_emitted_function(lists, point):
    """d/dw sum(w + w) = 2, not the 4 entries of a joined list; value 2 * sum(w)."""
    expected = np.array([2.0, 2.0])
    for grads in (
        lists.grad_doubled(point),
        lists.value_and_grad_doubled(point)[1],
        lists.backward_doubled(lists.forward_doubled(point)[1]),
    ):
        assert isinstance(grads[0], np.ndarray)
        np.testing.assert_array_equal(grads[0], expected)
    assert lists.value_and_grad_doubled(point)[0] == 6.0
    assert lists.jvp_doubled(point, [1.0, 0.5]) == (6.0, 3.0)  # 2 * (1 + 0.5)


def test_a_tuple_into_dot_in_reverse_mode(lists):
    """np.dot(x, x): the gradient 2x, where the runtime helpers crashed on a tuple."""
    np.testing.assert_array_equal(lists.grad_square_norm((1.0, 2.0))[0], [2.0, 4.0])
    np.testing.assert_array_equal(lists.grad_square_norm([1.0, 2.0])[0], [2.0, 4.0])
    assert lists.jvp_square_norm((1.0, 2.0), (1.0, 0.0)) == (5.0, 2.0)


def test_a_data_list_is_an_array_too(lists):
    """d + d with d = [1, 3] is [2, 6]: d/dx sum(x * 2d) = 2d."""
    grads = lists.grad_weighted(np.array([0.5, 0.5]), [1.0, 3.0])
    np.testing.assert_array_equal(grads[0], [2.0, 6.0])


def test_a_tuple_used_as_an_index_stays_a_tuple(lists):
    """x[(0, 1)] is the element x[0, 1]; the array [0, 1] would pick two rows."""
    x = np.arange(4.0).reshape(2, 2)
    g, _ = lists.grad_picked(x, (0, 1))
    np.testing.assert_array_equal(g, [[0.0, 2.0], [0.0, 0.0]])


def test_a_ragged_list_is_a_type_error_naming_the_parameter(lists):
    with pytest.raises(TypeError, match=r"grad_doubled: parameter `w` is a list"):
        lists.grad_doubled([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match=r"jvp_doubled: parameter `w_dot` is a list"):
        lists.jvp_doubled([1.0, 2.0], ["a", "b"])


def doubled(w):
    return np.sum(w + w)


def test_the_runtime_api_reads_lists_as_arrays():
    for mode in ("reverse", "forward"):
        g = adgen.grad(doubled, mode=mode)([1.0, 2.0])
        assert isinstance(g, np.ndarray)
        np.testing.assert_array_equal(g, [2.0, 2.0])
    assert adgen.jvp(doubled)([1.0, 2.0], [1.0, 1.0]) == (6.0, 4.0)
    np.testing.assert_array_equal(adgen.hessian(doubled)([1.0, 2.0]), np.zeros((2, 2)))


CONSTANTS = """
import numpy as np

W = [0.5, -1.0, 2.0]
T = (1.5, 0.25, -0.5)


def power(x):
    return np.sum(x ** W)


def dot(x):
    return np.dot(T, x)


def times(x):
    return np.sum(W * x + x * T)


def divided(x):
    return np.sum(W / x)
"""


@pytest.mark.parametrize("name", ["power", "dot", "times", "divided"])
def test_list_constants_are_read_as_numpy_reads_them(tmp_path, name):
    """autograd on the same program, its list constants given as the arrays numpy
    makes of them (autograd's own rule for x ** W computes W - 1 on the list)."""
    module = _compile_with_cli(tmp_path, "constants", CONSTANTS)
    traced: dict = {"np": anp}
    exec(CONSTANTS.replace("import numpy as np", ""), traced)
    traced["W"], traced["T"] = anp.array(traced["W"]), anp.array(traced["T"])
    x = np.array([1.5, 2.0, 3.0])
    expected = autograd.grad(traced[name])(x)
    np.testing.assert_allclose(
        getattr(module, f"grad_{name}")(x)[0], expected, rtol=1e-13
    )
    _, tangent = getattr(module, f"jvp_{name}")(x, np.ones(3))
    np.testing.assert_allclose(tangent, np.sum(expected), rtol=1e-13)


def test_a_list_constant_joined_in_python_stays_joined(compile_text):
    """W + W is a list of six in the model, as in Python: d/dx sum(x * (W + W)) = W + W."""
    module = compile_text("""
        import numpy as np

        W = [0.5, -1.0, 2.0]

        def f(x):
            return np.sum(x * (W + W))
        """)
    x = np.linspace(1.0, 2.0, 6)
    np.testing.assert_array_equal(module.grad_f(x)[0], [0.5, -1.0, 2.0] * 2)


def test_negating_a_list_constant_is_a_located_refusal(tmp_path, capsys):
    model = tmp_path / "m.py"
    model.write_text(
        "import numpy as np\n\nW = [1.0, 2.0]\n\n\ndef f(x):\n    return np.sum(x * -W)\n"
    )
    assert main(["compile", str(model), "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "m.py:7:23: error: `-W` negates a list" in err and "Traceback" not in err


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
