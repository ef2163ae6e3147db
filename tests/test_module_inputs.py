"""Module-level values computed when the file runs (``W1 = rng.standard_normal(...)``)
as keyword-only inputs of the code ``adgen compile`` writes: ``grad_mlp(x, *, W1,
b1, W2)``.  Gradients through the CLI, in reverse and forward mode (and with
``--like``, ``--standalone``, ``--target array-api``, containers and has_aux),
checked against JAX; the runtime API against JAX on the same models."""

from __future__ import annotations

import importlib.util
import inspect

import jax
import jax.numpy as jnp
import module_inputs_models as models
import numpy as np
import pytest
from conftest import ROOT

import adgen
from adgen.cli import main

jax.config.update("jax_enable_x64", True)

MODELS = ROOT / "tests" / "module_inputs_models.py"
X = np.array([0.3, 0.7, 1.1])  # positive: weighted differentiates x**power in power
V = np.array([0.5, 1.0, -2.0])  # a tangent
WEIGHTS = {"W1": models.W1, "b1": models.b1, "W2": models.W2}


def jax_mlp(x):
    h = jnp.tanh(models.W1 @ x + models.b1)
    return jnp.sum(models.W2 @ h) * 0.5


def jax_weighted(x, power=2.0):
    return jnp.sum(models.TABLE * x**power)


def jax_with_helper(x):
    penalty = jnp.sum(models.TABLE * jnp.sin(2 * np.pi * x))
    return jnp.sum(jnp.tanh(models.W1 @ x)) + penalty


def jax_with_aux(params, x):
    h = jnp.tanh(params["W"] @ x + models.b1)
    return jnp.sum(models.TABLE[0] * h), h


def jax_recurrent(x):
    h = jnp.zeros(4)
    for _ in range(3):
        h = jnp.tanh(models.W1 @ x + 0.5 * h)
    return jnp.sum(h)


REFERENCES = {
    "mlp": jax_mlp,
    "weighted": jax_weighted,
    "with_helper": jax_with_helper,
    "recurrent": jax_recurrent,  # sizes and a trip count from module values
}
TAKEN = {
    "mlp": ("W1", "b1", "W2"),
    "weighted": ("TABLE",),
    "with_helper": ("W1", "TABLE"),  # TABLE read in the helper _penalty
    "recurrent": ("N_HIDDEN", "N_STEPS", "W1"),
    "shadowed": (),  # its TABLE is a local
    "with_aux": ("b1", "TABLE"),
}
LIKE = "params={W:f64[4,3]},x=f64[3]"


def compiled(tmp_path, *options: str) -> object:
    """tests/module_inputs_models.py through ``adgen compile --mode both``, imported."""
    assert main(["compile", str(MODELS), "-o", str(tmp_path), *options]) == 0
    path = tmp_path / "module_inputs_models_grad.py"
    name = f"module_inputs_{abs(hash(options))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return compiled(tmp_path_factory.mktemp("both"), "--mode", "both", "--like", LIKE)


def values(name: str) -> dict:
    """The module's live values, passed as the generated docstrings say."""
    return {n: getattr(models, n) for n in TAKEN[name]}


def test_module_values_are_keyword_only_parameters_named_as_the_variables(generated):
    for name, taken in TAKEN.items():
        for role in ("forward", "grad", "value_and_grad", "jvp"):
            params = inspect.signature(getattr(generated, f"{role}_{name}")).parameters
            keyword = [p for p, v in params.items() if v.kind is v.KEYWORD_ONLY]
            assert tuple(keyword) == taken, (role, name)
        backward = inspect.signature(getattr(generated, f"backward_{name}"))
        assert [p.name for p in backward.parameters.values()][:1] == ["tape"]
        assert len(backward.parameters) == 2  # the tape holds what it reads of them
    assert "power=2.0, *, TABLE" in inspect.getsource(generated.grad_weighted)
    doc = generated.grad_mlp.__doc__
    assert (
        "W1, b1, W2: the values of the module variables of module_inputs_models" in doc
    )
    assert "`W1=module_inputs_models.W1, b1=module_inputs_models.b1" in doc


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_reverse_and_forward_mode_match_jax(generated, name):
    reference = REFERENCES[name]
    given = values(name)
    value, gradient = jax.value_and_grad(reference)(X)
    np.testing.assert_allclose(
        getattr(generated, f"grad_{name}")(X, **given)[0], gradient
    )
    got_value, got = getattr(generated, f"value_and_grad_{name}")(X, **given)
    np.testing.assert_allclose(got_value, value)
    np.testing.assert_allclose(got[0], gradient)
    out, tape = getattr(generated, f"forward_{name}")(X, **given)
    np.testing.assert_allclose(out, value)
    np.testing.assert_allclose(
        getattr(generated, f"backward_{name}")(tape)[0], gradient
    )
    tangent = (V, 0.0) if name == "weighted" else (V,)  # weighted's power too
    jvp = getattr(generated, f"jvp_{name}")
    _, out_dot = jvp(X, *([2.0] if name == "weighted" else []), *tangent, **given)
    np.testing.assert_allclose(out_dot, jax.jvp(reference, (X,), (V,))[1])


def test_a_default_parameter_stays_and_is_differentiated(generated):
    x_bar, power_bar = generated.grad_weighted(X, 3.0, TABLE=models.TABLE)
    expected = jax.grad(jax_weighted, argnums=(0, 1))(X, 3.0)
    np.testing.assert_allclose(x_bar, expected[0])
    np.testing.assert_allclose(power_bar, expected[1])


def test_the_values_passed_are_the_ones_used(generated):
    """Not the values when the file was compiled: other weights, other gradient."""
    other = {"W1": 2.0 * models.W1, "b1": models.b1 + 1.0, "W2": -models.W2}

    def jax_other(x):
        return jnp.sum(other["W2"] @ jnp.tanh(other["W1"] @ x + other["b1"])) * 0.5

    np.testing.assert_allclose(
        generated.grad_mlp(X, **other)[0], jax.grad(jax_other)(X)
    )


def test_containers_and_has_aux_with_module_values(generated):
    params = {"W": np.linspace(-1.0, 1.0, 12).reshape(4, 3)}
    expected, aux = jax.grad(jax_with_aux, has_aux=True)(params, X)
    grads, got_aux = generated.grad_with_aux(params, X, **values("with_aux"))
    np.testing.assert_allclose(grads[0]["W"], expected["W"])
    np.testing.assert_allclose(got_aux, aux)


def test_a_local_of_the_same_name_is_no_input(generated):
    assert generated.grad_shadowed(X)[0] == pytest.approx(4.0 * X)


def test_a_call_without_the_values_is_pythons_type_error(generated):
    with pytest.raises(TypeError, match="missing 3 required keyword-only arguments"):
        generated.grad_mlp(X)
    with pytest.raises(TypeError, match="keyword-only argument: 'TABLE'"):
        generated.jvp_with_helper(X, V, W1=models.W1)


def test_the_runtime_api_gives_the_same_numbers():
    for name, reference in REFERENCES.items():
        f = getattr(models, name)
        expected = jax.grad(reference)(X)
        for mode in ("reverse", "forward"):
            np.testing.assert_allclose(adgen.grad(f, mode=mode)(X), expected)
        _, out_dot = adgen.jvp(f, wrt="x")(X, V)
        np.testing.assert_allclose(out_dot, jax.jvp(reference, (X,), (V,))[1])


def test_the_api_keeps_a_default_beside_module_values():
    """``weighted(x, power=2.0)`` reading TABLE: the default stays (it was a
    SyntaxError in the generated code when the live values came positionally)."""
    expected = jax.grad(jax_weighted, argnums=(0, 1))(X, 2.0)
    got = adgen.grad(models.weighted, wrt=("x", "power"))(X)
    np.testing.assert_allclose(got[0], expected[0])
    np.testing.assert_allclose(got[1], expected[1])


@pytest.mark.parametrize(
    "options",
    [("--standalone",), ("--target", "array-api"), ("--like", "x=f64[3]")],
    ids=["standalone", "array-api", "like"],
)
def test_other_outputs_take_them_too(tmp_path, options):
    generated = compiled(tmp_path, "--mode", "both", *options)
    given = values("with_helper")
    expected = jax.grad(jax_with_helper)(X)
    np.testing.assert_allclose(generated.grad_with_helper(X, **given)[0], expected)
    _, out_dot = generated.jvp_with_helper(X, V, **given)
    np.testing.assert_allclose(out_dot, jax.jvp(jax_with_helper, (X,), (V,))[1])


def test_the_same_source_gives_the_same_bytes(tmp_path):
    command = ["compile", str(MODELS), "-o", str(tmp_path), "--mode", "both"]
    assert main(command) == 0
    written = (tmp_path / "module_inputs_models_grad.py").read_text()
    assert main([*command, "--check"]) == 0  # compiled again: nothing to refresh
    assert (tmp_path / "module_inputs_models_grad.py").read_text() == written


def test_the_jax_and_torch_exports_pass_them_too():
    """adgen.export.jax/torch call forward_f and backward_f: with the live values
    (a TypeError, missing W1, before)."""
    import torch

    from adgen import export

    expected = jax.grad(jax_mlp)(X)
    np.testing.assert_allclose(
        jax.grad(export.jax(models.mlp))(jnp.asarray(X)), expected
    )
    x = torch.tensor(X, requires_grad=True)
    export.torch(models.mlp)(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), expected)
