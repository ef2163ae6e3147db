"""The API's fast path: the fused gradients, Python floats, the cache on the code object.

Every number is checked against a closed form worked by hand or central finite
differences, never against adgen itself.
"""

from __future__ import annotations

import importlib.util
import itertools
import linecache
import math
import os
import sys
import textwrap
import warnings

import numpy as np
import pytest

import adgen
from adgen.api import cache
from adgen.errors import NonScalarOutput, SourceFile, UnresolvedName
from adgen.pipeline import compile_source
from adgen.testing import numerical_grad


def lecture(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


def roots(x):
    return x**0.5 + x**1.5


def data_power(x, y):
    return x**y + x**2.0


def vector_out(x):
    return np.sin(x) * 2.0


def loss(x, w):
    return np.sum(np.tanh(x * w) ** 2)


def test_an_exponent_known_only_at_run_time_gives_numpy_floats_too():
    """The module is read for powers in its IR: ``x ** y`` with y data (a
    differentiated exponent) of a negative float is nan, not complex; at x = 2, y = 0.5 the
    gradient is y x^(y-1) + 2x by hand."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value, g = adgen.value_and_grad(data_power)(-1.0, 0.5)
    assert not isinstance(value, complex) and math.isnan(value) and math.isnan(g)
    assert adgen.grad(data_power)(2.0, 0.5) == pytest.approx(0.5 * 2.0**-0.5 + 4.0)


def test_python_floats_take_the_float_path_and_give_the_hand_derived_gradient():
    value, (d1, d2) = adgen.value_and_grad(lecture, wrt=(0, 1))(2.0, 5.0)
    assert value == pytest.approx(math.log(2) + 10 - math.sin(5), rel=1e-15)
    assert (d1, d2) == pytest.approx((5.5, 2 - math.cos(5)), rel=1e-15)
    assert type(d1) is float  # math on the float path, not numpy's two sweeps


def test_a_singular_point_gives_numpys_inf_not_zerodivisionerror():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d1, d2 = adgen.grad(lecture, wrt=(0, 1))(0.0, 5.0)
    assert d1 == math.inf  # 1 / x1 + x2 at x1 = 0, as numpy computes it
    assert d2 == pytest.approx(0.0 - math.cos(5.0))


def test_a_fractional_power_of_a_negative_float_is_nan_not_complex():
    """Python's (-1.0) ** 0.5 is complex; numpy's is nan: such modules get numpy floats."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value, g = adgen.value_and_grad(roots)(-1.0)
    assert math.isnan(value) and math.isnan(g)
    x = 2.0  # and at an ordinary point, 0.5 / sqrt(x) + 1.5 sqrt(x)
    assert adgen.grad(roots)(x) == pytest.approx(
        0.5 / math.sqrt(x) + 1.5 * math.sqrt(x)
    )


def test_fused_gradient_of_arrays_matches_finite_differences():
    x = np.linspace(0.5, 2.0, 5)
    w = np.array([0.3, -0.2, 0.1, 0.4, -0.5])
    gx, gw = adgen.grad(loss, wrt=(0, 1))(x, w)
    np.testing.assert_allclose(gx, numerical_grad(loss, (x, w), 0), rtol=1e-6)
    np.testing.assert_allclose(gw, numerical_grad(loss, (x, w), 1), rtol=1e-6)


def test_non_scalar_output_is_still_refused_by_both_entry_points():
    with pytest.raises(NonScalarOutput, match=r"shape \(3,\)"):
        adgen.grad(vector_out)(np.ones(3))
    with pytest.raises(NonScalarOutput, match=r"shape \(3,\)"):
        adgen.value_and_grad(vector_out)(np.ones(3))


def test_the_api_executes_the_code_adgen_source_shows(tmp_path):
    """adgen.source formats the very text the API compiled and ran (not a second
    compile), and it is what the CLI writes, less the header's command."""
    code = adgen.source(lecture, wrt=(0, 1))
    key = next(
        k
        for k in cache._EMITTED
        if k[1:4] == (("lecture",), ("x1", "x2"), "reverse") and "def roots(" in k[0]
    )  # this file's lecture, not another test's
    emitted = cache._EMITTED[key]
    assert code != emitted  # unformatted where it runs
    assert code == compile_source(
        SourceFile(__file__, key[0]), ["lecture"], ["x1", "x2"]
    )


_MODULE_NUMBERS = itertools.count()


def _load(path):
    name = f"adgen_fast_path_model_{next(_MODULE_NUMBERS)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


def test_the_file_is_read_once_while_it_is_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "model.py"
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.sin(x) * x\n")
    f = _load(path).f
    reads = []
    real = cache.function_text
    monkeypatch.setattr(cache, "function_text", lambda g: reads.append(g) or real(g))
    for x in (0.5, 1.0, 2.0):  # sin x + x cos x
        assert adgen.grad(f)(x) == pytest.approx(math.sin(x) + x * math.cos(x))
    assert len(reads) == 1


def test_an_edited_file_is_compiled_again(tmp_path):
    """As before the cache: adgen differentiates the file's text as it is now."""
    path = tmp_path / "model.py"
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.sin(x) * x\n")
    f = _load(path).f
    assert adgen.grad(f)(1.0) == pytest.approx(math.sin(1) + math.cos(1))
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.cos(x) * x\n\n")
    stat = path.stat()  # a later mtime even on a coarse clock
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    linecache.checkcache(str(path))
    assert adgen.grad(f)(1.0) == pytest.approx(math.cos(1) - math.sin(1))


def _cells(*cells: str) -> dict:
    scope = {"__name__": "__main__"}
    for cell in cells:
        name = f"<ipython-input-{next(_MODULE_NUMBERS)}-fast-path>"
        linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)
        exec(compile(cell, name, "exec"), scope)
    return scope


def test_a_helper_redefined_in_another_cell_is_seen():
    scope = _cells(
        "import numpy as np\n\ndef act(z):\n    return np.tanh(z)\n",
        "def loss(w):\n    return np.sum(act(w))\n",
    )
    w = np.array([0.5, -1.0])
    np.testing.assert_allclose(adgen.grad(scope["loss"])(w), 1 - np.tanh(w) ** 2)
    _cells_into(scope, "def act(z):\n    return z ** 2\n")
    np.testing.assert_allclose(adgen.grad(scope["loss"])(w), 2 * w)


def test_a_constant_rebound_in_another_cell_is_still_refused():
    scope = _cells(
        "import numpy as np\nK = 2.0\n\ndef f(x):\n    return K * np.sin(x)\n"
    )
    assert adgen.grad(scope["f"])(0.0) == pytest.approx(2.0)
    _cells_into(scope, "K = 3.0\n")
    with pytest.raises(UnresolvedName, match=r"`K` is 3\.0"):
        adgen.grad(scope["f"])(0.0)


def _cells_into(scope: dict, cell: str) -> None:
    name = f"<ipython-input-{next(_MODULE_NUMBERS)}-fast-path>"
    linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)
    exec(compile(textwrap.dedent(cell), name, "exec"), scope)


def test_parameters_may_have_the_names_the_dispatcher_uses(tmp_path):
    """The call adgen writes for the float path keeps the model's parameter names
    (result, fused, type) apart from its own: d/d(result, fused, type) of
    result * fused + sin(type), by hand."""
    path = tmp_path / "clash.py"
    path.write_text(
        "import numpy as np\n\ndef f(result, fused, type):\n"
        "    return result * fused + np.sin(type)\n"
    )
    f = _load(path).f
    gradient = adgen.grad(f, wrt=(0, 1, 2))(2.0, 3.0, 0.5)
    assert gradient == pytest.approx((3.0, 2.0, math.cos(0.5)))
    value, d_result = adgen.value_and_grad(f)(2.0, 3.0, 0.5)
    assert (value, d_result) == pytest.approx((6.0 + math.sin(0.5), 3.0))


def test_keywords_and_defaults_reach_the_float_path(tmp_path):
    path = tmp_path / "defaults.py"
    path.write_text(
        "import numpy as np\n\ndef f(x, scale=2.0):\n    return scale * np.sin(x)\n"
    )
    f = _load(path).f
    g = adgen.grad(f)
    assert g(0.3) == pytest.approx(2.0 * math.cos(0.3))
    assert g(0.3, scale=3.0) == pytest.approx(3.0 * math.cos(0.3))
    assert g(scale=3.0, x=0.3) == pytest.approx(3.0 * math.cos(0.3))
