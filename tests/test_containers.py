"""Parameters that are containers of arrays (pytrees): dicts, lists, tuples, nested.

Each gradient is checked against JAX (``jax.grad``/``jax.jvp`` of the same
model written with ``jax.numpy``, on the same dict or list of arrays), in
reverse and forward mode, through the runtime API and through ``adgen
compile`` (the generated ``grad_f`` called with a dict).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import adgen
from adgen.errors import UndeclaredStructure, UnsupportedSyntax
from adgen.like import parse_like

jax.config.update("jax_enable_x64", True)

MODEL = """\
import numpy as np
import adgen


@adgen.shapes(params={"W1": "3 4", "b1": "4", "W2": "4 1", "b2": "1"}, X="n 3", y="n 1")
def mlp(params, X, y):
    h = np.tanh(X @ params["W1"] + params["b1"])
    pred = h @ params["W2"] + params["b2"]
    return np.mean((pred - y) ** 2)


@adgen.shapes(layers=[("3 4", "4"), ("4 1", "1")])
def deep(layers, X):
    h = X
    for W, b in layers:
        h = np.tanh(h @ W + b)
    return np.sum(h**2)


def undeclared(params, X):
    W, b = params["W"], params["b"]
    return np.sum(np.sin(X @ W + b) ** 2)


def nested(p):
    return np.sum(p["i"]["j"] * p["i"]["k"])


def passed_on(params, X):
    return np.sum(X @ params["W"]) + _norm(params)


def _norm(params):
    return np.sum(params["b"] ** 2)


def wrapped(abc):
    a, b, c = abc
    return nested({"i": dict(j=a * c, k=b)})


def listcomp(a):
    return np.sum([i * 3 for i in a])


def squares(xs):
    return sum([np.sum(np.sin(x) ** 2) for x in xs])


def pair(wb, x):
    w, b = wb
    return np.sum((x * w + b) ** 2)
"""


def jax_mlp(params, X, y):
    h = jnp.tanh(X @ params["W1"] + params["b1"])
    pred = h @ params["W2"] + params["b2"]
    return jnp.mean((pred - y) ** 2)


def jax_deep(layers, X):
    h = X
    for W, b in layers:
        h = jnp.tanh(h @ W + b)
    return jnp.sum(h**2)


def jax_undeclared(params, X):
    return jnp.sum(jnp.sin(X @ params["W"] + params["b"]) ** 2)


def jax_nested(p):
    return jnp.sum(p["i"]["j"] * p["i"]["k"])


def jax_squares(xs):
    return sum(jnp.sum(jnp.sin(x) ** 2) for x in xs)


def jax_pair(wb, x):
    w, b = wb
    return jnp.sum((x * w + b) ** 2)


RNG = np.random.default_rng(7)
X, Y = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 1))
PARAMS = {
    "W1": RNG.normal(size=(3, 4)),
    "b1": RNG.normal(size=4),
    "W2": RNG.normal(size=(4, 1)),
    "b2": RNG.normal(size=1),
}
LAYERS = [
    (RNG.normal(size=(3, 4)), RNG.normal(size=4)),
    (RNG.normal(size=(4, 1)), RNG.normal(size=1)),
]
SMALL = {"W": RNG.normal(size=(3, 2)), "b": RNG.normal(size=2)}
NESTED = {"i": {"j": RNG.normal(size=3), "k": RNG.normal(size=3)}}
PAIR = (RNG.normal(size=3), RNG.normal(size=3))

# model name -> (jax twin, arguments)
CASES = {
    "mlp": (jax_mlp, (PARAMS, X, Y)),
    "deep": (jax_deep, (LAYERS, X)),
    "undeclared": (jax_undeclared, (SMALL, X)),
    "nested": (jax_nested, (NESTED,)),
    "pair": (jax_pair, (PAIR, X[0])),
    "squares": (jax_squares, ([X[0], X[1, :2], X[2]],)),
}
# a student's dict: plain lists of numbers for the biases, as arrays numpy makes
LISTS = {k: v.tolist() if k.startswith("b") else v for k, v in PARAMS.items()}


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("containers")
    path = folder / "container_models.py"
    path.write_text(MODEL)
    return _load(path, "container_models")


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def adgen_compile(*arguments: str) -> None:
    """``adgen compile ARGUMENTS``, in a subprocess, as a user runs it."""
    command = [sys.executable, "-m", "adgen", "compile", *arguments]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def assert_same_tree(got, want):
    """The same structure (dict keys, list and tuple lengths) and close leaves."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want)  # JAX sorts keys
        for k in want:
            assert_same_tree(got[k], want[k])
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want)
        for a, b in zip(got, want, strict=True):
            assert_same_tree(a, b)
    else:
        assert np.shape(got) == np.shape(want)
        assert np.allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_grad_of_a_container_is_the_container_of_gradients(model, name, mode):
    twin, args = CASES[name]
    got = adgen.grad(getattr(model, name), mode=mode)(*args)
    assert_same_tree(got, jax.grad(twin)(*args))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_leaves_that_are_lists_of_numbers_are_arrays(model, mode):
    got = adgen.grad(model.mlp, mode=mode)(LISTS, X, Y)
    want = jax.grad(jax_mlp)({k: jnp.asarray(v) for k, v in LISTS.items()}, X, Y)
    assert_same_tree(got, want)


def test_value_and_grad_and_several_wrt(model):
    value, (g_params, g_x) = adgen.value_and_grad(model.mlp, wrt=(0, 1))(PARAMS, X, Y)
    ref_value, (r_params, r_x) = jax.value_and_grad(jax_mlp, argnums=(0, 1))(
        PARAMS, X, Y
    )
    assert np.isclose(value, ref_value)
    assert_same_tree(g_params, r_params)
    assert_same_tree(g_x, r_x)


@pytest.mark.parametrize("name", ["mlp", "deep", "undeclared"])
def test_jvp_takes_a_container_tangent(model, name):
    twin, args = CASES[name]
    tangent = jax.tree_util.tree_map(lambda a: RNG.normal(size=np.shape(a)), args[0])
    out, out_dot = adgen.jvp(getattr(model, name), wrt=0)(*args, tangent)
    ref_out, ref_dot = jax.jvp(lambda p: twin(p, *args[1:]), (args[0],), (tangent,))
    assert np.isclose(out, ref_out) and np.isclose(out_dot, ref_dot)


def test_a_new_structure_compiles_again(model):
    """Specialized on the structure: a dict with other keys gets its own code."""
    wider = {**SMALL, "b": RNG.normal(size=(5, 2))}
    for params in (SMALL, wider):
        got = adgen.grad(model.undeclared)(params, X)
        assert_same_tree(got, jax.grad(jax_undeclared)(params, X))


def test_the_cli_compiles_the_declared_structure(tmp_path):
    path = tmp_path / "declared_models.py"
    path.write_text(MODEL)
    out = tmp_path / "out"
    adgen_compile(f"{path}:mlp,deep", "-o", str(out), "--mode", "both")
    generated = _load(out / "declared_models_grad.py", "declared_models_grad")
    text = (out / "declared_models_grad.py").read_text()
    assert "def grad_mlp(params, X, y):" in text
    assert '"W1": params_W1_bar' in text  # the gradient repacked, flat inside
    assert_same_tree(
        generated.grad_mlp(PARAMS, X, Y)[0], jax.grad(jax_mlp)(PARAMS, X, Y)
    )
    assert_same_tree(generated.grad_deep(LAYERS, X)[0], jax.grad(jax_deep)(LAYERS, X))
    tangent = {k: np.ones_like(v) for k, v in PARAMS.items()}
    zero_x, zero_y = np.zeros_like(X), np.zeros_like(Y)
    _, out_dot = generated.jvp_mlp(PARAMS, X, Y, tangent, zero_x, zero_y)
    _, ref_dot = jax.jvp(lambda p: jax_mlp(p, X, Y), (PARAMS,), (tangent,))
    assert np.isclose(out_dot, ref_dot)


def test_the_cli_takes_the_structure_from_like(tmp_path):
    path = tmp_path / "like_models.py"
    path.write_text(MODEL)
    out = tmp_path / "out"
    like = "params={W:f64[3,2],b:f64[2]},X=f64[5,3]"
    adgen_compile(f"{path}:undeclared", "-o", str(out), "--like", like)
    generated = _load(out / "like_models_grad.py", "like_models_grad")
    got = generated.grad_undeclared(SMALL, X)[0]
    assert_same_tree(got, jax.grad(jax_undeclared)(SMALL, X))
    with pytest.raises(ValueError, match="params_W"):  # the like guard, on the leaves
        generated.grad_undeclared({"W": np.ones((2, 2)), "b": np.ones(2)}, X)


def test_parse_like_reads_nested_containers():
    like = parse_like("layers=[(f64[2,3],f64[3]),(f64[3],f64[])],s=float")
    layers = like["layers"]
    assert layers.kind == "list" and [c.kind for c in layers.items] == ["tuple"] * 2
    assert layers.leaves() == [(2, 3), (3,), (3,), ()]


def test_without_a_declaration_the_keys_read_are_the_structure(tmp_path):
    """``params["W"]`` and ``p["i"]["j"]`` with constant keys, and nothing else done
    with the parameter: the CLI takes the dict of the keys read."""
    path = tmp_path / "inferred_models.py"
    path.write_text(MODEL)
    out = tmp_path / "out"
    adgen_compile(f"{path}:undeclared,nested,wrapped", "-o", str(out), "--mode", "both")
    generated = _load(out / "inferred_models_grad.py", "inferred_models_grad")
    for name, got in [
        ("undeclared", generated.grad_undeclared(SMALL, X)[0]),
        ("nested", generated.grad_nested(NESTED)[0]),
    ]:
        twin, args = CASES[name]
        assert_same_tree(got, jax.grad(twin)(*args))
    abc = (RNG.normal(size=3), RNG.normal(size=3), RNG.normal(size=3))

    def jax_wrapped(abc):
        a, b, c = abc
        return jax_nested({"i": {"j": a * c, "k": b}})

    want = np.stack(jax.grad(jax_wrapped)(abc))
    assert np.allclose(generated.grad_wrapped(np.stack(abc))[0], want)


def test_an_extra_key_gets_a_zero_gradient_from_the_api(model):
    wider = {**SMALL, "unused": np.ones(4)}
    got = adgen.grad(model.undeclared)(wider, X)
    assert np.allclose(got["unused"], 0.0)
    assert_same_tree({k: got[k] for k in SMALL}, jax.grad(jax_undeclared)(SMALL, X))


def test_a_container_passed_on_is_refused_by_the_cli_where_the_key_is_read(
    tmp_path,
):
    path = tmp_path / "refused_models.py"
    path.write_text(MODEL)
    module = _load(path, "refused_models")
    with pytest.raises(UndeclaredStructure) as caught:
        adgen.source(module.passed_on)
    assert caught.value.location.line == 30
    assert "@adgen.shapes(params=" in caught.value.hint
    got = adgen.grad(module.passed_on)(SMALL, X)  # the API: from the arguments
    want = {"W": np.outer(X.sum(axis=0), np.ones(2)), "b": 2 * SMALL["b"]}  # by hand
    assert_same_tree(got, want)


def test_a_loop_over_a_dict_is_refused(tmp_path):
    path = tmp_path / "dict_loop.py"
    path.write_text(textwrap.dedent("""\
            import numpy as np


            def f(params, x):
                s = 0.0
                for w in params:
                    s = s + np.sum(w * x)
                return s
            """))
    f = _load(path, "dict_loop").f
    with pytest.raises(UnsupportedSyntax, match="over its keys") as caught:
        adgen.grad(f)({"a": np.ones(2)}, np.ones(2))
    assert caught.value.location.line == 6


def test_a_list_of_numbers_is_still_an_array():
    from adgen.like import like_of

    assert like_of([1.0, 2.0]) is None and like_of((1.0, 2.0)) is None
    assert like_of({"a": 1.0}).kind == "dict"


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_comprehension_over_an_array_parameter_of_known_length(model, mode):
    """tangent's listcomp: the API knows the length from the argument."""
    a = np.array([0.5, -1.2, 2.0])
    assert np.allclose(adgen.grad(model.listcomp, mode=mode)(a), 3.0)  # by hand


def test_a_comprehension_over_an_undeclared_parameter_is_refused_by_the_cli(model):
    with pytest.raises(UndeclaredStructure, match="trip count") as caught:
        adgen.source(model.listcomp)
    assert "@adgen.shapes(a=" in caught.value.hint


def test_second_derivatives_of_a_container_function_are_refused_located(model):
    with pytest.raises(UnsupportedSyntax, match="second derivatives") as caught:
        adgen.hessian(model.nested)(NESTED)
    assert caught.value.location.line == 25  # def nested(p):
