"""Stacking, splitting and numpy's index tricks (adgen/primitives/stacking.py,
adgen/normalize/sequences.py), end to end: every model of
tests/rules_models/stacking.py against central finite differences in reverse
mode (the pullback of a random seed) and forward mode (tangents along random
directions), through the runtime API and through ``adgen compile``; a closed
form worked by hand; and the located refusals (a count of parts not known when
compiling, parts of different shapes made into one array, np.r_'s directive
strings, a split numpy refuses)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from conftest import ROOT
from rules_models import stacking
from test_forward import check_jvp
from test_rules import check_vjp, numerical_grad

import adgen
from adgen.cli import main
from adgen.errors import AdgenError

MODELS = ROOT / "tests" / "rules_models" / "stacking.py"
# j_row_stack runs numpy's np.row_stack (for the finite differences): deprecated
pytestmark = pytest.mark.filterwarnings("ignore:`row_stack`:DeprecationWarning")
RNG = np.random.default_rng(15)
# the arguments by parameter name (the models' docstring)
ARGUMENTS = {
    "x": RNG.uniform(-1.5, 1.5, (2, 3)),
    "y": RNG.uniform(-1.5, 1.5, (2, 3)),
    "v": RNG.uniform(-1.5, 1.5, 3),
    "g": RNG.uniform(-1.5, 1.5, (2, 1)),
}
SPECIAL = {  # the gradient-code models: g has the part's shape
    "gc_hsplit_adjoint": {"g": RNG.uniform(-1.5, 1.5, (2, 1))},
}
NAMES = sorted(
    n
    for n, f in vars(stacking).items()
    if callable(f) and n[:2] in ("j_", "ro", "t_", "s_", "gc")
)


def arguments(name):
    f = getattr(stacking, name)
    params = f.__code__.co_varnames[: f.__code__.co_argcount]
    return tuple(SPECIAL.get(name, {}).get(p, ARGUMENTS[p]) for p in params)


@pytest.mark.parametrize("name", NAMES)
def test_reverse_mode_against_finite_differences(name):
    args = arguments(name)
    check_vjp(getattr(stacking, name), args, range(len(args)))


@pytest.mark.parametrize("name", NAMES)
def test_forward_mode_against_finite_differences(name):
    args = arguments(name)
    check_jvp(getattr(stacking, name), args, range(len(args)))


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """The models, compiled by ``adgen compile --mode both``, imported."""
    folder = tmp_path_factory.mktemp("stacking")
    assert main(["compile", str(MODELS), "-o", str(folder), "--mode", "both"]) == 0
    spec = importlib.util.spec_from_file_location(
        "stacking_grad", folder / "stacking_grad.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_cli_gradient_and_tangent_against_finite_differences(compiled, name):
    f, args = getattr(stacking, name), arguments(name)
    got = getattr(compiled, f"grad_{name}")(*args)
    directions = [RNG.standard_normal(np.shape(a)) for a in args]
    value, tangent = getattr(compiled, f"jvp_{name}")(*args, *directions)
    assert value == pytest.approx(f(*args), rel=1e-12)
    expected_tangent = 0.0
    for k, g in enumerate(got):
        expected = numerical_grad(f, args, k)
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
        expected_tangent += np.sum(expected * directions[k])
    assert tangent == pytest.approx(expected_tangent, rel=1e-6, abs=1e-8)


def column_weighted(x: "3", w):
    return np.sum(np.vstack(x) * w)


def halves(x):
    a, b = np.split(x, 2)
    return np.sum(a * b)


def with_a_range(x):
    return np.sum(np.r_[x, 1:4] ** 2)


def test_vstack_of_a_vector_is_a_column_closed_form():
    """np.vstack(x) of a vector is the column x[:, None] (numpy reads x's entries as
    rows), so d/dx sum(np.vstack(x) * w) = w[:, 0] (worked by hand)."""

    x, w = np.array([0.3, 0.1, -0.7]), np.array([[1.0], [-2.0], [3.5]])
    np.testing.assert_array_equal(adgen.grad(column_weighted)(x, w), w[:, 0])
    np.testing.assert_array_equal(
        adgen.grad(column_weighted, mode="forward")(x, w), w[:, 0]
    )


def test_split_parts_are_values_of_their_own():
    """a, b = np.split(x, 2): d/dx sum(a * b) = (b, a) (worked by hand)."""

    x = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(adgen.grad(halves)(x), [3.0, 4.0, 1.0, 2.0])
    np.testing.assert_array_equal(
        adgen.grad(halves, mode="forward")(x), [3.0, 4.0, 1.0, 2.0]
    )


def test_index_trick_slices_are_constants():
    """np.r_[x, 1:4]: the slice is np.arange(1, 4), a constant: the gradient of the
    sum of squares is 2x (worked by hand), and the emitted code says so."""

    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(adgen.grad(with_a_range)(x), 2 * x)
    assert "np.arange(1, 4)" in adgen.source(with_a_range)


def ragged(x):
    return np.sum(np.sin(np.array_split(x, 4)))


def counted_by_a_parameter(x, n):
    return np.sum(np.split(x, n)[0])


def directive(x):
    return np.sum(np.r_["0,2", x, x])


def uneven(x: "7 3"):
    a, b = np.split(x, 2)
    return np.sum(a * b)


def too_many(x, y):
    return np.sum(np.vstack(x, y))


def rows_of_a_parameter(x):
    return np.sum(np.concatenate(x, axis=1))


@pytest.mark.parametrize(
    "f, args, message",
    [
        (ragged, (np.ones(7),), "parts of this split have different shapes"),
        (counted_by_a_parameter, (np.ones(4), 2), "must be a constant known"),
        (directive, (np.ones(2),), "directive string"),
        (uneven, (np.ones((7, 3)),), "does not result in an equal division"),
        (too_many, (np.ones(2), np.ones(2)), "np.vstack"),
    ],
    ids=["ragged", "count", "directive", "uneven", "args"],
)
def test_refusals_are_located(f, args, message):
    for mode in ("reverse", "forward"):
        with pytest.raises(
            AdgenError, match=r"test_stacking.py:\d+:\d+: error: .*" + message
        ):
            adgen.grad(f, mode=mode)(*args)


def test_a_join_of_a_tuple_parameter_follows_its_structure():
    """The runtime API reads a tuple parameter's structure from the call: the
    gradient of sum(concatenate(x, axis=1)) is ones in each part's shape."""
    x = (np.arange(4.0).reshape(2, 2), np.arange(6.0).reshape(2, 3))
    for mode in ("reverse", "forward"):
        parts = adgen.grad(rows_of_a_parameter, mode=mode)(x)
        assert [np.shape(p) for p in parts] == [(2, 2), (2, 3)]
        assert all(np.array_equal(p, np.ones_like(p)) for p in parts)


def test_parts_of_unknown_shapes_made_into_an_array_are_refused(tmp_path, capsys):
    """Where the shape is not known when compiling (the CLI), the parts of an
    np.array_split may differ: making one array of them is refused, located."""
    here = ROOT / "tests" / "test_stacking.py"
    assert main(["compile", f"{here}:ragged", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "test_stacking.py:" in err and "unless the axis divides evenly" in err


def test_standalone_file_carries_the_helpers(tmp_path):
    """``--standalone``: joined_part and split_adjoint are copied into the file."""
    spec = f"{MODELS}:j_vstack,s_hsplit"
    assert main(["compile", spec, "-o", str(tmp_path), "--standalone"]) == 0
    text = (tmp_path / "stacking_grad.py").read_text()
    assert "def joined_part(" in text and "def split_adjoint(" in text
    assert "from adgen" not in text
    namespace: dict = {}
    exec(compile(text, "stacking_grad.py", "exec"), namespace)
    x, v = ARGUMENTS["x"], ARGUMENTS["v"]
    for k, g in enumerate(namespace["grad_j_vstack"](x, v)):
        np.testing.assert_allclose(
            g, numerical_grad(stacking.j_vstack, (x, v), k), rtol=1e-6, atol=1e-8
        )


def test_array_api_target_refuses_what_the_standard_lacks(tmp_path, capsys):
    """The standard has concat and stack, not vstack, the index tricks or split:
    refused with the location; a tuple's concatenate is the standard's concat."""
    args = ["-o", str(tmp_path), "--target", "array-api"]
    assert main(["compile", f"{MODELS}:j_vstack", *args]) == 2
    err = capsys.readouterr().err
    assert "stacking.py:" in err and "--target array-api" in err
    assert main(["compile", f"{MODELS}:j_concatenate_tuple", *args]) == 0
    assert "xp.concat(" in (tmp_path / "stacking_grad.py").read_text()
