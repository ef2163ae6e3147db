"""Module constants, module variables, containers of parameters, and `+=` on numbers.

* A module-level name is a constant only when the file binds it exactly once,
  by a plain top-level assignment, to a number known from the text; every
  other name (rebound, bound under an ``if`` or loop, by ``global``, an import,
  a ``def``, a walrus, ``del``...) is refused where a function reads it.  The
  corpus files ``tests/bad_inputs/rebound_*.py`` check the command line; here
  the runtime API, in both modes, must refuse them at the same place.
* Constants bound once keep working, literal arithmetic included: values and
  gradients against closed forms, through the command line and the API.
* ``params["W"]`` and ``params.W`` are refused at compile time (corpus files
  ``*_parameter.py``; the API here).
* ``b = a; b += 1.0`` is accepted where the names hold numbers (immutable),
  and refused for arrays.
"""

from __future__ import annotations

import importlib.util
import math
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from test_bad_inputs import CORPUS_DIR, expectation

import adgen
from adgen.cli import main
from adgen.errors import (
    AdgenError,
    MutationNotSupported,
    SourceFile,
    UnresolvedName,
    UnsupportedSyntax,
)
from adgen.parse import parse_module
from adgen.testing import numerical_grad

REBOUND = [
    *sorted(CORPUS_DIR.glob("rebound_*.py")),
    CORPUS_DIR / "custom_rule_rebound_constant.py",
]
CONTAINERS = sorted(CORPUS_DIR.glob("*_parameter.py"))


def load(path: Path, name: str | None = None) -> ModuleType:
    """Import a model file as a module of its own (its top level runs)."""
    spec = importlib.util.spec_from_file_location(name or f"model_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def write_and_load(tmp_path: Path, text: str, name: str) -> ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    return load(path, name)


def api_entry_points(f):
    """Every runtime-API way to differentiate ``f`` (each compiles it)."""
    return {
        "grad": lambda: adgen.grad(f),
        "grad-forward": lambda: adgen.grad(f, mode="forward"),
        "value_and_grad": lambda: adgen.value_and_grad(f),
        "vjp": lambda: adgen.vjp(f),
        "jvp": lambda: adgen.jvp(f),
        "source": lambda: adgen.source(f),
    }


# --- rebound constants: refused, at the use, through the API too -------------------------


@pytest.mark.parametrize("path", REBOUND, ids=[p.stem for p in REBOUND])
def test_api_refuses_a_rebound_constant_where_the_cli_does(path: Path):
    exp = expectation(path)
    module = load(path)
    for how, make in api_entry_points(module.f).items():
        with pytest.raises(AdgenError) as caught:
            make()
        error = caught.value
        assert type(error).__name__ == exp.cls, (how, error)
        assert exp.text in error.message, (how, error)
        assert error.location is not None, how
        assert Path(error.location.path).resolve() == path.resolve(), how
        assert (error.location.line, error.location.col + 1) == (exp.line, exp.col)
        assert "pass `" in error.hint, how


REBINDINGS_NOT_IN_THE_CORPUS = {
    # each binds GAIN (first bound to 3.0 at line 4) a second time at line 5
    "walrus-statement": "(GAIN := 2.0)",
    "walrus-in-default": "def _g(y=(GAIN := 2.0)):\n    return y",
    "except-as": "try:\n    pass\nexcept ValueError as GAIN:\n    pass",
    "with-as": "with open(__file__) as GAIN:\n    pass",
    "class": "class GAIN:\n    pass",
    "import": "import math as GAIN",
    "tuple-target": "GAIN, _other = 2.0, 1.0",
    "chained": "_other = GAIN = 2.0",
    "global-in-class": "class _C:\n    global GAIN\n    GAIN = 2.0",
    "global-in-nested-def": "def _outer():\n    def _inner():\n        global GAIN\n        GAIN = 2.0\n    return _inner",
    "global-del": "def _forget():\n    global GAIN\n    del GAIN",
    "match-capture": "match 2.0:\n    case GAIN:\n        pass",
    "star-import": "from math import *",
}


@pytest.mark.parametrize(
    "rebinding",
    REBINDINGS_NOT_IN_THE_CORPUS.values(),
    ids=REBINDINGS_NOT_IN_THE_CORPUS.keys(),
)
def test_every_way_to_rebind_a_name_is_seen(rebinding, tmp_path, capsys, monkeypatch):
    text = (
        "import numpy as np\n\n\nGAIN = 3.0\n"
        + rebinding
        + "\n\n\ndef f(x):\n    return x * GAIN\n"
    )
    use_line = text.splitlines().index("    return x * GAIN") + 1
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(text, encoding="utf-8")
    rc = main(["compile", "model.py", "-o", "out"])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.startswith(
        f"model.py:{use_line}:16: error: `GAIN` is a module-level variable"
    )
    rebinds = [i for i, ln in enumerate(rebinding.splitlines()) if "GAIN" in ln]
    where = 5 + rebinds[-1] if rebinds else 5  # the line that rebinds it
    assert f"line {where}" in err.splitlines()[0], err
    assert "Traceback" not in err and not Path("out").exists()
    module = load(Path("model.py"), f"rebind_{abs(hash(rebinding))}")
    with pytest.raises(UnresolvedName, match="`GAIN` is a module-level variable"):
        adgen.grad(module.f)


def test_constant_rebound_only_where_python_cannot_see_it_stays_a_constant():
    """A local of another function, a class attribute, a comprehension variable
    and a bare annotation do not rebind the module's name."""
    text = (
        "GAIN: float\n"
        "GAIN = 3.0\n"
        "def other():\n    GAIN = 5.0\n    return GAIN\n"
        "class Config:\n    GAIN = 7.0\n"
        "squares = [GAIN * GAIN for GAIN in range(3)]\n"
        "def f(x):\n    return x * GAIN\n"
    )
    module = parse_module(SourceFile("m.py", text))
    assert "GAIN" in module.constants and "GAIN" not in module.variables


def test_a_string_constant_is_refused_as_not_a_number(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(
        'KEY = "W"\n\n\ndef f(x):\n    return x * KEY\n', encoding="utf-8"
    )
    assert main(["compile", "model.py", "-o", "out"]) == 2
    err = capsys.readouterr().err
    assert (
        "model.py:5:16: error: `KEY` is a module-level variable bound to a value that is not a number"
        in err
    )


@pytest.mark.parametrize(
    "value",
    ["2 ** 10 ** 9", "1 / 0", "(-1) ** 0.5", "1e308 * 10", "10.0 ** 400"],
    ids=["huge-int", "division-by-zero", "complex", "overflow-to-inf", "overflow"],
)
def test_arithmetic_that_is_no_finite_number_is_refused_quickly(value):
    start = time.perf_counter()
    module = parse_module(
        SourceFile("m.py", f"C = {value}\n\ndef f(x):\n    return x * C\n")
    )
    assert "C" in module.variables and "C" not in module.constants
    assert time.perf_counter() - start < 1.0


# --- constants bound once: the values, against closed forms ------------------------------

CONSTANTS_MODEL = """\
import math

import numpy as np

GAIN = 3.0
TWO_PI = 2 * np.pi
HALF = 1 / 2
K: int = 3
A = B = 0.25
POWER = 2 ** 3 - 6
OFFSET = -(HALF + K) * math.e
W = [0.5, -1.0, 2.0]


def f(x):
    return np.sum(GAIN * np.sin(TWO_PI * HALF * x) ** POWER) * K + A * B + OFFSET


def g(x):
    return np.sum(x * W)


def unrelated():
    GAIN = 5.0  # a local: the module's GAIN stays 3.0
    return GAIN
"""


def closed_form_f(x):
    """f = 3 * K * sum(sin(pi x)^2) + 1/16 - 3.5 e; df/dx = 9 * 2 sin cos * pi."""
    value = 3.0 * 3 * np.sum(np.sin(np.pi * x) ** 2) + 0.0625 - 3.5 * math.e
    grad = 9.0 * 2 * np.sin(np.pi * x) * np.cos(np.pi * x) * np.pi
    return value, grad


def test_constants_bound_once_work_through_the_api(tmp_path):
    module = write_and_load(tmp_path, CONSTANTS_MODEL, "constants_model")
    x = np.array([0.1, -0.7, 1.3])
    want_value, want_grad = closed_form_f(x)
    value, grad = adgen.value_and_grad(module.f)(x)
    assert value == pytest.approx(want_value, rel=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12)
    np.testing.assert_allclose(
        adgen.grad(module.f, mode="forward")(x), want_grad, rtol=1e-12
    )
    tangent = np.array([1.0, -2.0, 0.5])
    _, along = adgen.jvp(module.f)(x, tangent)
    assert along == pytest.approx(float(want_grad @ tangent), rel=1e-12)
    np.testing.assert_allclose(adgen.grad(module.g)(x), [0.5, -1.0, 2.0])


def test_constants_bound_once_work_through_the_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(CONSTANTS_MODEL, encoding="utf-8")
    assert main(["compile", "model.py:f", "--mode", "both", "-o", "out"]) == 0
    capsys.readouterr()
    generated = load(tmp_path / "out" / "model_grad.py", "constants_model_grad")
    x = np.array([0.4, 1.1, -0.2])
    want_value, want_grad = closed_form_f(x)
    (grad,) = generated.grad_f(x)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12)
    value, _ = generated.forward_f(x)
    assert value == pytest.approx(want_value, rel=1e-12)
    _, along = generated.jvp_f(x, np.ones(3))
    assert along == pytest.approx(float(np.sum(want_grad)), rel=1e-12)


def test_the_api_refuses_a_constant_the_running_module_rebound(tmp_path):
    """Rebound where the file does not show it (another module, another notebook
    cell, exec): the API compares with the running module and refuses."""
    text = "GAIN = 3.0\n\n\ndef helper(x):\n    return x * GAIN\n\n\ndef f(x):\n    return helper(x) ** 2\n"
    module = write_and_load(tmp_path, text, "live_constant_model")
    assert adgen.grad(module.f)(2.0) == pytest.approx(2 * 9.0 * 2.0)  # d (3x)^2 / dx
    module.GAIN = 6.0
    for how, make in api_entry_points(module.f).items():
        with pytest.raises(
            UnresolvedName, match=r"`GAIN` is 6\.0 where `f` runs"
        ) as caught:
            make()
        assert caught.value.location.line == 1, how  # the file's binding
    module.GAIN = 3  # an int is not the float the file binds: still refused
    with pytest.raises(UnresolvedName):
        adgen.grad(module.f)
    module.GAIN = 3.0
    assert adgen.grad(module.f)(2.0) == pytest.approx(36.0)


# --- containers of parameters -------------------------------------------------------------


@pytest.mark.parametrize("path", CONTAINERS, ids=[p.stem for p in CONTAINERS])
def test_api_refuses_containers_of_parameters(path: Path):
    exp = expectation(path)
    module = load(path)
    params = {"W": np.ones((3, 2))}
    for how, make in api_entry_points(module.loss).items():
        if how in ("jvp", "grad-forward"):  # compiled per structure at the call
            continue
        if exp.cls == "UndeclaredStructure" and how in ("grad", "value_and_grad"):
            continue  # the structure comes from the call, below
        with pytest.raises(UnsupportedSyntax) as caught:
            make()
        assert exp.text in caught.value.message, how
        assert (caught.value.location.line, caught.value.location.col + 1) == (
            exp.line,
            exp.col,
        )
        assert "separate parameters" in caught.value.hint
    x = np.arange(12.0).reshape(4, 3)
    if path.stem == "dict_subscript_parameter":  # the dict's structure, from the call
        gradient = adgen.grad(module.loss)(params, x)
        by_hand = 2 * x.T @ (x @ params["W"]) + 2 * params["W"]
        assert np.allclose(gradient["W"], by_hand)
        return
    with pytest.raises(UnsupportedSyntax):
        adgen.grad(module.loss)(params, x)


def test_a_string_inside_an_index_is_refused_at_the_inner_subscript(tmp_path):
    text = 'import numpy as np\n\n\ndef loss(params, x):\n    return np.sum(x[params["i"]])\n'
    module = write_and_load(tmp_path, text, "nested_key_model")
    with pytest.raises(
        UnsupportedSyntax, match=r'`params\["i"\]` is indexed by a string'
    ) as caught:
        adgen.source(module.loss)
    assert (caught.value.location.line, caught.value.location.col + 1) == (5, 28)


# --- augmented assignment of an alias of a number ------------------------------------------

ALIASES_MODEL = """\
import math

import numpy as np


def straight(a: float, c: float):
    b = a
    b += 1.0
    b *= c
    return a * b + math.sin(b)


def _bump(u, v):
    u += v
    return u * u


def through_helper(a: float, c: float):
    return _bump(a, c) + a


def literal_argument(a: float):
    return _bump(2.0, a)


def looped(a: float, n: int):
    s = a
    for i in range(n):
        t = s
        s += t * 0.5 + i
    return s * a


def counter_alias(x, n: int):
    s = 0.0
    for i in range(n):
        r = i
        r += 1
        s = s + np.sum(x * r)
    return s


def array_alias(a, c):
    b = a
    b += c
    return np.sum(a * b)


def array_alias_in_loop(a: float, v):
    s = v
    for i in range(2):
        t = s
        s += t * a
    return np.sum(s)
"""


def test_augmented_assignment_of_an_alias_of_a_number(tmp_path):
    module = write_and_load(tmp_path, ALIASES_MODEL, "aliases_model")
    a, c = 0.7, 1.3
    b = (a + 1.0) * c  # straight: a * b + sin(b), b = (a + 1) c
    closed = {
        "straight": (
            b + a * c + math.cos(b) * c,
            a * (a + 1.0) + math.cos(b) * (a + 1.0),
        ),
        "through_helper": (2 * (a + c) + 1.0, 2 * (a + c)),  # (a + c)^2 + a
    }
    for name, want in closed.items():
        f = getattr(module, name)
        for mode in ("reverse", "forward"):
            got = adgen.grad(f, wrt=(0, 1), mode=mode)(a, c)
            assert got == (
                pytest.approx(want[0], rel=1e-12),
                pytest.approx(want[1], rel=1e-12),
            ), (name, mode)
        assert adgen.value_and_grad(f, wrt=0)(a, c)[0] == pytest.approx(
            f(a, c), rel=1e-12
        )
    # (2 + a)^2
    for mode in ("reverse", "forward"):
        assert adgen.grad(module.literal_argument, mode=mode)(a) == pytest.approx(
            2 * (2.0 + a)
        )
    # looped: s_{k+1} = 1.5 s_k + k, s_0 = a; n = 3: s_3 = 3.375 a + 1.5 + 2, f = s_3 a
    n = 3
    want = 2 * 3.375 * a + 3.5
    for mode in ("reverse", "forward"):
        assert adgen.grad(module.looped, mode=mode)(a, n) == pytest.approx(
            want, rel=1e-12
        )
    # counter_alias: sum over i < n of (i + 1) x, so (1 + 2 + 3) per entry for n = 3
    x = np.array([0.3, -1.2])
    for mode in ("reverse", "forward"):
        np.testing.assert_allclose(
            adgen.grad(module.counter_alias, mode=mode)(x, n), [6.0, 6.0]
        )
    differences = numerical_grad(module.looped, (a, n), 0)
    assert adgen.grad(module.looped)(a, n) == pytest.approx(
        float(differences), rel=1e-6
    )


@pytest.mark.parametrize("name", ["array_alias", "array_alias_in_loop"])
def test_augmented_assignment_of_an_alias_of_an_array_is_still_refused(name, tmp_path):
    module = write_and_load(tmp_path, ALIASES_MODEL, f"aliases_model_{name}")
    with pytest.raises(MutationNotSupported, match="would also change"):
        adgen.grad(getattr(module, name))
