"""A plain file's fused gradient tries the float path first on Python floats.

The lecture's formula without annotations: on Python floats grad_f and
value_and_grad_f run the code ``x1: float, x2: float`` would get (``math``);
anything else runs the general code.  Checked against autograd at ordinary
points, against numpy's own inf at a singular point, and for the refusal of
arrays (the output is not a scalar)."""

from __future__ import annotations

import subprocess
import sys

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from adgen.errors import SourceFile
from adgen.pipeline import compile_source

LECTURE = "import numpy as np\n\n\ndef f(x1, x2):\n    return np.log(x1) + x1 * x2 - np.sin(x2)\n"


def _reference(x1, x2):
    return anp.log(x1) + x1 * x2 - anp.sin(x2)


def _module(source: str = LECTURE) -> tuple[dict, str]:
    code = compile_source(SourceFile("lecture.py", source))
    namespace: dict = {}
    exec(compile(code, "lecture_grad.py", "exec"), namespace)
    return namespace, code


def test_floats_take_the_float_path_and_agree_with_autograd():
    m, code = _module()
    assert "if type(x1) is float and type(x2) is float:" in code
    assert "x1_bar = x2 + 1.0 / x1" in code and "math.cos(x2)" in code
    expected = autograd.grad(_reference, (0, 1))(2.0, 5.0)
    got = m["grad_f"](2.0, 5.0)
    assert all(type(g) is float for g in got)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    value, grads = m["value_and_grad_f"](2.0, 5.0)
    np.testing.assert_allclose(value, _reference(2.0, 5.0), rtol=1e-14)
    np.testing.assert_allclose(grads, expected, rtol=1e-14)


@pytest.mark.parametrize(
    "args", [(np.float64(2.0), 5.0), (2, 5.0), (np.array(2.0), np.array(5.0))]
)
def test_other_scalars_take_the_general_code(args):
    m, _ = _module()
    expected = autograd.grad(_reference, (0, 1))(2.0, 5.0)
    np.testing.assert_allclose(m["grad_f"](*args), expected, rtol=1e-14)


def test_a_singular_point_gives_numpys_inf_and_arrays_the_scalar_check():
    m, _ = _module()
    with np.errstate(divide="ignore"):
        got = m["grad_f"](0.0, 5.0)  # d/dx1 ln x1 = 1 / 0
        general = m["grad_f"](np.float64(0.0), np.float64(5.0))
    assert got[0] == np.inf == general[0]
    np.testing.assert_allclose(got[1], -np.cos(5.0), rtol=1e-14)
    with pytest.raises(ValueError, match="needs a scalar output"):
        m["grad_f"](np.array([1.0, 2.0]), 5.0)


def test_only_where_every_parameter_is_a_scalar_past_the_check():
    """np.sum(W) * x: W keeps its shape, so there is no float path to try."""
    source = "import numpy as np\n\n\ndef f(x, W):\n    return np.sum(W) * np.sin(x)\n"
    _, code = _module(source)
    assert "is float" not in code


def test_the_cli_writes_it(tmp_path):
    (tmp_path / "lecture.py").write_text(LECTURE)
    done = subprocess.run(
        [sys.executable, "-m", "adgen", "compile", "lecture.py", "-o", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    path = tmp_path / "out" / "lecture_grad.py"
    text = path.read_text()
    namespace: dict = {"__file__": str(path)}
    exec(compile(text, "lecture_grad.py", "exec"), namespace)
    expected = autograd.grad(_reference, (0, 1))(2.0, 5.0)
    np.testing.assert_allclose(namespace["grad_f"](2.0, 5.0), expected, rtol=1e-14)
    assert "if type(x1) is float and type(x2) is float:" in text


def test_integer_arguments_get_float_gradients():
    """h = x1 * 0.5 + x2 * 0.25 at the ints (1, 2): the gradient is (0.5, 0.25),
    worked by hand; a constant gradient in the integer's dtype would be 0."""
    source = "import numpy as np\n\n\ndef h(x1, x2):\n    return x1 * 0.5 + x2 * 0.25\n"
    m, _ = _module(source)
    for args in [(1, 2), (np.int64(1), np.int64(2)), (np.array(1), np.array(2))]:
        assert [float(g) for g in m["grad_h"](*args)] == [0.5, 0.25]
        assert [float(g) for g in m["value_and_grad_h"](*args)[1]] == [0.5, 0.25]
