"""The numpy functions of tests/rules_models/more_numpy.py, end to end: each
model's gradient against central finite differences, in reverse and forward
mode, through the runtime API and through ``adgen compile`` (the emitted
module imported)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from conftest import ROOT
from rules_models import more_numpy as m
from test_forward import check_jvp
from test_higher_order import fd_second
from test_rules import check_vjp

import adgen
from adgen.cli import main
from adgen.testing import numerical_grad


def R(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape)


# a symmetric positive definite matrix with distinct eigenvalues
SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 1.5]])
# model -> its arguments (every one differentiated)
MODELS = {
    m.es_ellipsis_front: [
        (R(2, 3), R(3, 4, seed=1)),
        (R(2, 1, 2, 3), R(1, 4, 3, 2, seed=1)),
        (R(2, 3), R(2, 3, 4, seed=1)),
    ],
    m.es_ellipsis_tail: [
        (R(3, 2, 1), R(2, 3, 4, seed=1)),
        (R(3, 2, 5, 4), R(2, 3, 4, seed=1)),
    ],
    m.es_ellipsis_center: [(R(3, 5, 4, 2), R(2, 3, 4, seed=1))],
    m.es_diagonal: [(R(3, 4, 5), R(2, 4, 3, seed=1), R(2, 2, 3, seed=2))],
    m.es_trace: [(R(3, 3),)],
    m.es_implicit: [(R(2, 3), R(3, 4, seed=1))],
    m.es_sublists: [(R(3, 4, 5), R(2, 4, 3, seed=1))],
    m.es_size_one_broadcast: [(R(1, 3), R(2, 3, seed=1))],
    m.kw_clip: [(R(2, 3),)],
    m.kw_cross_broadcast: [(R(3), R(4, 3, seed=1)), (R(2, 1, 3), R(4, 3, seed=1))],
    m.kw_cross_axes: [(R(3, 4), R(4, 3, seed=1))],
    m.cx_real_conj: [(R(2, 3),)],
    m.cx_real_if_close: [(R(2, 3),)],
    m.cx_imag_angle: [(R(2, 3),)],
    m.ro_rollaxis: [(R(2, 3, 4),)],
    m.ro_rollaxis_negative: [(R(2, 3, 4),)],
    m.ro_rot90: [(R(3, 4, 2),)],
    m.ro_partition: [(R(7),)],
    m.ro_partition_axis: [(R(5, 4),)],
    m.ro_nan_to_num: [(R(4),)],
    m.ro_linspace: [(1.2, -3.4), (R(3), R(3, seed=1)), (0.5, R(2, seed=1))],
    m.ro_linspace_arrays: [(R(2), R(3, 2, seed=1))],
    m.am_astype: [(R(2, 3),)],
    m.nv_slogdet: [(SPD + 0.3 * R(3, 3, seed=4),), (-SPD,)],
    m.nv_cholesky: [(SPD + 0.3 * R(3, 3, seed=4),)],
    m.nv_cholesky_spd: [(R(3, 3, seed=5),)],
    m.nv_eigh_values: [(SPD + 0.3 * R(3, 3, seed=4),)],
    m.nv_eigh_vectors: [(SPD + 0.3 * R(3, 3, seed=4),)],
    m.sel_select: [(R(3, 4), R(3, 4, seed=1))],
    m.sel_select_broadcast: [(R(3, 4), R(4, seed=1))],
    m.nv_cumprod: [(R(3, 4),), (R(3, 4) * (R(3, 4, seed=2) > 0),)],  # zeros: exact
}
CASES = [
    pytest.param(f, args, id=f"{f.__name__}-{k}")
    for f, cases in MODELS.items()
    for k, args in enumerate(cases)
]


@pytest.mark.parametrize("f, args", CASES)
def test_reverse_mode_against_differences(f, args):
    check_vjp(f, args, tuple(range(len(args))))


@pytest.mark.parametrize("f, args", CASES)
def test_forward_mode_against_differences(f, args):
    check_jvp(f, args, tuple(range(len(args))))


@pytest.fixture(scope="module")
def emitted(tmp_path_factory):
    """more_numpy.py compiled by ``adgen compile --mode both``, imported."""
    folder = tmp_path_factory.mktemp("more_numpy")
    source = ROOT / "tests" / "rules_models" / "more_numpy.py"
    assert main(["compile", str(source), "-o", str(folder), "--mode", "both"]) == 0
    spec = importlib.util.spec_from_file_location(
        "more_numpy_grad", folder / "more_numpy_grad.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("f, args", CASES)
def test_cli_both_modes_against_differences(emitted, f, args):
    """grad_<f> and jvp_<f> of the emitted file, shapes unknown when compiling."""
    grads = getattr(emitted, f"grad_{f.__name__}")(*args)
    grads = grads if isinstance(grads, tuple) else (grads,)
    tangents = [R(*np.shape(a), seed=9 + k) for k, a in enumerate(args)]
    value, tangent = getattr(emitted, f"jvp_{f.__name__}")(*args, *tangents)
    np.testing.assert_allclose(value, f(*args), rtol=1e-12)
    expected_tangent = 0.0
    for k, g in enumerate(grads):
        expected = numerical_grad(f, args, k)
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
        expected_tangent += np.sum(expected * tangents[k])
    np.testing.assert_allclose(tangent, expected_tangent, rtol=1e-6, atol=1e-8)


# second order where autograd has no rule to compare with (its einsum rule refuses a
# repeated letter): the Hessian against second differences of the function itself
SECOND_ORDER = [
    pytest.param(m.es_trace, (R(3, 3),), id="es_trace"),
    pytest.param(
        m.es_diagonal,
        (R(2, 2, 2), R(2, 2, 2, seed=1), R(2, 2, 2, seed=2)),
        id="es_diagonal",
    ),
    pytest.param(
        m.es_ellipsis_center, (R(2, 1, 2), R(2, 2, 3, seed=1)), id="es_ellipsis_center"
    ),
    pytest.param(m.kw_cross_axes, (R(3, 2), R(2, 3, seed=1)), id="kw_cross_axes"),
]


@pytest.mark.parametrize("f, args", SECOND_ORDER)
def test_hessian_against_second_differences(f, args):
    wrt = tuple(range(len(args)))
    H = adgen.hessian(f, wrt=wrt)(*args)
    for i in wrt:
        for j in wrt:
            expected = fd_second(f, args, i, j)
            np.testing.assert_allclose(H[i][j], expected, rtol=1e-4, atol=1e-5)
