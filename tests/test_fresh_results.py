"""A returned gradient is never an array the caller passed in.

d(x . w)/dx is w itself once the seed 1 is folded; returned as it is, a training
loop that scales its gradient in place (``g *= 0.5``) would scale its weights
too.  Each case checks the values against the closed form worked by hand, that
the results share no memory with the arguments, and that changing a result in
place leaves the arguments as they were."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import adgen
from adgen.errors import SourceFile
from adgen.pipeline import compile_source

sys.path.insert(0, str(Path(__file__).parent))
import fresh_models

SOURCE = (Path(__file__).parent / "fresh_models.py").read_text()


def _module(like=None, mode="both") -> dict:
    namespace: dict = {}
    code = compile_source(SourceFile("fresh_models.py", SOURCE), mode=mode, like=like)
    exec(compile(code, "fresh_models_grad.py", "exec"), namespace)
    return namespace


def _assert_own(results, args):
    for r in results:
        for a in args:
            assert not np.shares_memory(r, a)


@pytest.mark.parametrize("like", [None, {"x": (3,), "w": (3,)}])
def test_the_gradient_of_a_dot_product_is_a_copy_of_the_other_operand(like):
    x, w = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    m = _module({} if like is None else like)
    for gx, gw in [m["grad_dot"](x, w), m["value_and_grad_dot"](x, w)[1]]:
        np.testing.assert_array_equal(gx, [0.5, -1.0, 2.0])  # d(x.w)/dx = w
        np.testing.assert_array_equal(gw, [1.0, 2.0, 3.0])
        _assert_own((gx, gw), (x, w))
        gx *= 0.5  # gradient scaling in place, as a training loop may do
        np.testing.assert_array_equal(w, [0.5, -1.0, 2.0])


def test_the_runtime_api_returns_its_own_arrays():
    x, w = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    gx, gw = adgen.grad(fresh_models.dot, wrt=(0, 1))(x, w)
    np.testing.assert_array_equal(gx, w)
    _assert_own((gx, gw), (x, w))
    a, b = np.array(2.0), np.array(3.0)  # 0-d arrays can be changed in place too
    ga, gb = adgen.grad(fresh_models.product, wrt=(0, 1))(a, b)
    assert (ga, gb) == (3.0, 2.0)
    _assert_own((ga, gb), (a, b))


def test_python_floats_stay_floats():
    m = _module()
    assert m["grad_product"](2.0, 3.0) == (3.0, 2.0)
    assert all(type(g) is float for g in m["grad_product"](2.0, 3.0))


def test_backward_with_an_array_seed_and_jvp_with_a_tangent_return_their_own():
    m = _module()
    x = np.array([1.0, 2.0])
    _, tape = m["forward_shift"](x)
    seed = np.array([1.0, -1.0])
    (gx,) = m["backward_shift"](tape, seed)  # d(x + 1)/dx^T seed = seed
    np.testing.assert_array_equal(gx, [1.0, -1.0])
    _assert_own((gx,), (x, seed))
    tangent = np.array([0.25, 0.5])
    _, along = m["jvp_shift"](x, tangent)  # d(x + 1)/dx . t = t
    np.testing.assert_array_equal(along, [0.25, 0.5])
    _assert_own((along,), (x, tangent))


@pytest.mark.parametrize("kind", ["dict", "list"])
def test_a_containers_gradient_is_its_own(kind):
    """The usual way to pass weights: a dict (or list) of arrays."""
    v, u = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    f, p = (
        (fresh_models.dot_of_dict, {"a": v, "b": u})
        if kind == "dict"
        else (fresh_models.dot_of_list, [v, u])
    )
    g = adgen.grad(f)(p)
    ga, gb = (g["a"], g["b"]) if kind == "dict" else g
    np.testing.assert_array_equal(ga, [3.0, 4.0])  # d(a.b)/da = b
    _assert_own((ga, gb), (v, u))
    ga *= 0.5
    np.testing.assert_array_equal(u, [3.0, 4.0])


def test_unbroadcast_of_the_seed_is_a_copy():
    """d(x + w)/dx^T seed is the seed, returned by unbroadcast where the shapes agree:
    each gradient its own array, not the seed nor each other."""
    m = _module()
    x, w, seed = np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([1.0, -1.0])
    _, tape = m["forward_add"](x, w)
    gx, gw = m["backward_add"](tape, seed)
    np.testing.assert_array_equal(gx, seed)
    np.testing.assert_array_equal(gw, seed)
    _assert_own((gx,), (gw, seed, x, w))
    _assert_own((gw,), (seed, x, w))


def test_a_boolean_factor_is_copied_not_negated():
    """d(x * c)/dx = c for a boolean c: copied as it is (unary + would raise)."""
    m = _module()
    c = np.array([True, False])
    gx, _ = m["grad_dot"](np.array([1.0, 2.0]), c)
    np.testing.assert_array_equal(gx, c)
    _assert_own((gx,), (c,))


def test_a_view_of_an_argument_is_copied_too():
    """d(x . W[0])/dx is W's first row: numpy's W[0] is a view of W, and so is
    w.T of w; changing the gradient in place must not change the weights."""
    x, W = np.array([1.0, 2.0, 3.0]), np.arange(6.0).reshape(2, 3)
    gx, gW = adgen.grad(fresh_models.dot_with_row, wrt=(0, 1))(x, W)
    np.testing.assert_array_equal(gx, [0.0, 1.0, 2.0])  # = W[0], by hand
    np.testing.assert_array_equal(gW, [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    _assert_own((gx, gW), (x, W))
    w = np.array([0.5, -1.0, 2.0])
    gx, gw = adgen.grad(fresh_models.dot_with_transpose, wrt=(0, 1))(x, w)
    np.testing.assert_array_equal(gx, w)
    _assert_own((gx, gw), (x, w))


def test_views_of_a_seed_or_a_tangent_are_copied():
    """backward_f of x.T with an array seed is the seed transposed, and jvp_f of
    np.ravel(x) the tangent raveled: numpy views, returned as copies."""
    m = _module()
    x = np.arange(6.0).reshape(2, 3)
    _, tape = m["forward_transposed"](x)
    seed = np.arange(6.0).reshape(3, 2)
    (gx,) = m["backward_transposed"](tape, seed)
    np.testing.assert_array_equal(gx, seed.T)
    _assert_own((gx,), (seed, x))
    tangent = np.ones((2, 3))
    _, along = m["jvp_raveled"](x, tangent)
    np.testing.assert_array_equal(along, np.ones(6))
    _assert_own((along,), (tangent, x))
