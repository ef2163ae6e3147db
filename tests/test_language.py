"""JAX's and autograd's everyday Python in a model: ``has_aux``, default parameter
values and keyword arguments, module-level arrays read live by the runtime API,
through the CLI and
the runtime API, in reverse and forward mode, checked against JAX (the reference:
``jax.grad(..., has_aux=True)``) and against central finite differences."""

from __future__ import annotations

import importlib.util
import inspect

import jax
import jax.numpy as jnp
import language_models as models
import numpy as np
import pytest
from conftest import ROOT

import adgen
from adgen.cli import main
from adgen.errors import AdgenError

jax.config.update("jax_enable_x64", True)

RNG = np.random.default_rng(7)
W, X = RNG.normal(size=3), RNG.normal(size=(4, 3))


def jax_tanh_loss(w, x):
    y = jnp.tanh(x @ w)
    return jnp.sum(y**2), {"y": y, "stats": (jnp.mean(y), 2.0)}


def jax_plain_loss(w, x):
    y = jnp.sin(w) * x
    return jnp.sum(y * y), y


def jax_looped(a, b):
    s = a * b
    for _ in range(3):
        s = s * a + 1.0
    return s / b, s


COMPILED = ["tanh_loss", "looped", "scaled", "dict_helper"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """tests/language_models.py compiled by ``adgen compile --mode both``, imported."""
    out = tmp_path_factory.mktemp("language")
    source = f"{ROOT / 'tests' / 'language_models.py'}:{','.join(COMPILED)}"
    assert main(["compile", source, "-o", str(out), "--mode", "both"]) == 0
    path = out / "language_models_grad.py"
    spec = importlib.util.spec_from_file_location("language_models_grad", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same_tree(a, b):
    """Same containers (tuple, dict keys), same leaves to rounding."""
    assert jax.tree_util.tree_structure(a) == jax.tree_util.tree_structure(b)
    for x, y in zip(
        jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b), strict=True
    ):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-10, atol=1e-12)


# --- has_aux ---------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_grad_has_aux_matches_jax(mode):
    grads, aux = adgen.grad(models.tanh_loss, mode=mode)(W, X)  # the decorator
    expected_grad, expected_aux = jax.grad(jax_tanh_loss, has_aux=True)(W, X)
    same_tree(grads, expected_grad)
    same_tree(aux, expected_aux)
    assert set(aux) == {"y", "stats"} and isinstance(aux["stats"], tuple)


def test_value_and_grad_has_aux_at_the_call_matches_jax():
    (value, aux), grads = adgen.value_and_grad(
        models.plain_loss, wrt=(0, 1), has_aux=True
    )(W, X)
    (v, a), g = jax.value_and_grad(jax_plain_loss, argnums=(0, 1), has_aux=True)(W, X)
    same_tree((value, aux, grads), (v, a, g))


def test_jvp_and_vjp_has_aux_match_jax():
    tangent = RNG.normal(size=3)
    out, out_dot, aux = adgen.jvp(models.plain_loss, has_aux=True)(W, X, tangent)
    o, o_dot, a = jax.jvp(
        lambda w: jax_plain_loss(w, X), (W,), (tangent,), has_aux=True
    )
    same_tree((out, out_dot, aux), (o, o_dot, a))
    out, pullback, aux = adgen.vjp(models.plain_loss, has_aux=True)(W, X)
    o, jax_pullback, a = jax.vjp(lambda w: jax_plain_loss(w, X), W, has_aux=True)
    same_tree((out, pullback(1.0), aux), (o, jax_pullback(1.0)[0], a))


def test_aux_a_loop_pops_is_the_final_value():
    grads, aux = adgen.grad(models.looped, wrt=(0, 1))(1.3, 0.7)
    g, a = jax.grad(jax_looped, argnums=(0, 1), has_aux=True)(1.3, 0.7)
    same_tree((grads, aux), (g, a))


def test_generated_functions_return_aux(generated):
    (v, a), g = jax.value_and_grad(jax_tanh_loss, argnums=(0, 1), has_aux=True)(W, X)
    (value, aux), grads = generated.value_and_grad_tanh_loss(W, X)
    same_tree((value, aux, grads), (v, a, g))
    grads, aux = generated.grad_tanh_loss(W, X)
    same_tree((aux, grads), (a, g))
    (value, aux), tape = generated.forward_tanh_loss(W, X)
    same_tree((value, aux, generated.backward_tanh_loss(tape)), (v, a, g))
    out, out_dot, aux = generated.jvp_tanh_loss(W, X, np.ones(3), np.zeros((4, 3)))
    same_tree((out, out_dot, aux), (v, np.sum(g[0]), a))
    grads, aux = generated.grad_looped(1.3, 0.7)
    same_tree(
        (grads, aux), jax.grad(jax_looped, argnums=(0, 1), has_aux=True)(1.3, 0.7)
    )


def test_has_aux_refusals():
    with pytest.raises(AdgenError, match="does not return a pair"):
        adgen.grad(lambda_free_square, has_aux=True)(1.0)
    with pytest.raises(AdgenError, match="cannot differentiate it again"):
        adgen.grad(adgen.grad(models.plain_loss, has_aux=True))(W, X)
    with pytest.raises(AdgenError, match="does not take aux"):
        adgen.hessian(models.tanh_loss)(W, X)


def lambda_free_square(x):
    return x * x


# --- defaults and keywords ---------------------------------------------------------
def jax_scaled(x, scale=2.0, n=3.0):
    def power_sum(x, k=2, shift=3.0):
        return x**k + shift

    return jnp.sum(power_sum(x, k=3) * scale) + n * jnp.sum(power_sum(x))


def positional(args, kwargs):
    """The arguments of jax_scaled, all by position (jax.grad's argnums needs them so)."""
    bound = inspect.signature(jax_scaled).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args


XS = np.array([0.5, -1.0, 2.0])
CALLS = [((XS,), {}), ((XS,), {"scale": 3.0}), ((XS, 1.5), {"n": -2.0})]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_defaults_and_keywords_at_the_call_match_jax(mode, args, kwargs):
    wrt = ("x", "scale", "n")
    got = adgen.grad(models.scaled, wrt=wrt, mode=mode)(*args, **kwargs)
    every = positional(args, kwargs)
    same_tree(got, jax.grad(jax_scaled, argnums=(0, 1, 2))(*every))
    value, got = adgen.value_and_grad(models.scaled, wrt="scale")(*args, **kwargs)
    same_tree((value, got), jax.value_and_grad(jax_scaled, argnums=1)(*every))


def test_jvp_and_hessian_with_keywords_match_jax():
    tangent = np.array([1.0, 0.5, -2.0])
    got = adgen.jvp(models.scaled)(XS, tangent, scale=3.0)
    expected = jax.jvp(lambda x: jax_scaled(x, scale=3.0), (XS,), (tangent,))
    same_tree(got, expected)
    same_tree(
        adgen.hessian(models.scaled)(XS, n=2.0),
        jax.hessian(jax_scaled)(XS, n=2.0),
    )


def test_generated_functions_keep_the_defaults(generated):
    for args, kwargs in CALLS:
        every = positional(args, kwargs)
        expected = jax.value_and_grad(jax_scaled, argnums=(0, 1, 2))(*every)
        same_tree(generated.grad_scaled(*args, **kwargs), expected[1])
        same_tree(generated.value_and_grad_scaled(*args, **kwargs), expected)
    out, out_dot = generated.jvp_scaled(XS, 2.0, 3.0, np.ones(3), 0.0, 0.0)
    same_tree((out, out_dot), (jax_scaled(XS), np.sum(jax.grad(jax_scaled)(XS))))


def test_a_call_python_would_refuse_is_a_type_error():
    with pytest.raises(TypeError, match="scal"):
        adgen.grad(models.scaled)(XS, scal=3.0)


# --- module-level values computed when the file runs -------------------------------
def test_the_api_reads_module_arrays_live(monkeypatch):
    """``W0 = np.eye(3) * 2.0`` and ``SHIFT``: read at each call, in both modes."""
    x = np.array([0.5, -1.0, 2.0])

    def expected():  # d/dx [sum(tanh(W0 @ x)) + SHIFT * sum(x)]
        return jax.grad(
            lambda x: jnp.sum(jnp.tanh(models.W0 @ x)) + models.SHIFT * jnp.sum(x)
        )(x)

    gradient = adgen.grad(models.rotate)
    forward = adgen.grad(models.rotate, mode="forward")
    same_tree(gradient(x), expected())
    same_tree(forward(x), expected())
    monkeypatch.setattr(models, "W0", np.array([[1.0, 2, 0], [0, 1, 0], [3, 0, -1]]))
    same_tree(gradient(x), expected())  # the value now, not the first one
    same_tree(forward(x), expected())
    _, out_dot = adgen.jvp(models.rotate)(x, np.ones(3))
    same_tree(out_dot, np.sum(expected()))


def test_the_cli_takes_module_arrays_as_keyword_inputs(tmp_path):
    """``adgen compile``: ``grad_rotate(x, *, W0, SHIFT)``, W0 read in the helper."""
    source = f"{ROOT / 'tests' / 'language_models.py'}:rotate"
    assert main(["compile", source, "-o", str(tmp_path), "--mode", "both"]) == 0
    path = tmp_path / "language_models_grad.py"
    spec = importlib.util.spec_from_file_location("rotate_grad", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.array([0.5, -1.0, 2.0])
    given = {"W0": models.W0, "SHIFT": models.SHIFT}
    expected = jax.grad(
        lambda x: jnp.sum(jnp.tanh(models.W0 @ x)) + models.SHIFT * jnp.sum(x)
    )(x)
    same_tree(module.grad_rotate(x, **given), (expected,))
    _, out_dot = module.jvp_rotate(x, np.ones(3), **given)
    same_tree(out_dot, np.sum(expected))


# --- dicts a helper returns ---------------------------------------------------------
def jax_dict_helper(x, w):
    def layer(x, w):
        h = jnp.tanh(x * w)
        return {"h": h, "norm": jnp.sum(h * h)}

    out = layer(x, w)
    h, norm = (out["h"], out["norm"])
    return jnp.sum(h) + norm


def test_a_helper_returning_a_dict_matches_jax(generated):
    x = np.array([0.5, -1.0, 2.0])
    expected = jax.value_and_grad(jax_dict_helper, argnums=(0, 1))(x, 0.7)
    for mode in ("reverse", "forward"):
        same_tree(
            adgen.grad(models.dict_helper, wrt=(0, 1), mode=mode)(x, 0.7), expected[1]
        )
    same_tree(generated.value_and_grad_dict_helper(x, 0.7), expected)
    tangent = (np.ones(3), 0.0)
    same_tree(
        generated.jvp_dict_helper(x, 0.7, *tangent),
        jax.jvp(jax_dict_helper, (x, 0.7), tangent),
    )


def test_a_missing_key_is_refused_where_it_is_read(tmp_path):
    path = tmp_path / "model.py"
    path.write_text('def f(x):\n    d = {"a": x}\n    return d["b"]\n')
    with pytest.raises(AdgenError, match="has no key 'b'") as caught:
        main_or_raise(path)
    assert (caught.value.location.line, caught.value.location.col) == (3, 13)


def main_or_raise(path):
    from adgen.errors import SourceFile
    from adgen.pipeline import compile_source

    return compile_source(SourceFile(str(path), path.read_text()))
