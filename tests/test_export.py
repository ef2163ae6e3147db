"""adgen.export.jax and adgen.export.torch against JAX's and torch's own gradients of
the same models written in jax.numpy and torch ops: the lecture's f and g, lab 7's
network loss, an MLP with several parameters, a loop; under jax.jit, jax.grad,
jax.value_and_grad, jax.vjp, jax.vmap, and torch's backward() and gradcheck."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import EXAMPLES

import adgen.export
from adgen.errors import AdgenError

try:  # each test skips, saying why, where its library is missing (the fixture below)
    import jax
    import jax.numpy as jnp
except ImportError:
    jax = jnp = None
try:
    import torch
except ImportError:
    torch = None

sys.path.insert(0, str(EXAMPLES))
sys.path.insert(0, str(EXAMPLES / "lab7"))
try:
    import lecture
    import net_vector
finally:
    sys.path.remove(str(EXAMPLES))
    sys.path.remove(str(EXAMPLES / "lab7"))


@pytest.fixture(autouse=True)
def library(request):
    """test_jax_* needs jax, test_torch_* needs torch: skipped with the reason where absent."""
    for name in ("jax", "torch"):
        if request.node.name.startswith(f"test_{name}_"):
            pytest.importorskip(
                name,
                reason=f"{name} is not installed: pip install -e '.[export]' for these tests",
            )


def mlp(x, W1, b1, W2, b2, w3):
    """Two tanh layers and a linear read-out, summed to a scalar."""
    h1 = np.tanh(x @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    return np.sum((h2 @ w3) ** 2) / x.shape[0]


def softplus_rows(x, w):
    """A vector output: one value per row of x."""
    return np.log(1.0 + np.exp(x @ w))


def power_loop(x, n):
    """A loop whose tape grows with n (a data parameter, never differentiated)."""
    y = x
    for _ in range(n):
        y = np.sin(y) * x
    return np.sum(y)


def refused(x):
    m = x or 1.0
    return np.where(m, x, 0.0)


def _net_data(dtype):
    rng = np.random.default_rng(7)
    shapes = [(6, 2), (6, 1), (2, 3), (3,), (3, 1), (1,)]
    return [rng.normal(size=s).astype(dtype) for s in shapes]


def _mlp_data(dtype):
    rng = np.random.default_rng(11)
    shapes = [(5, 4), (4, 6), (6,), (6, 3), (3,), (3,)]
    return [(0.5 * rng.normal(size=s)).astype(dtype) for s in shapes]


# --- JAX --------------------------------------------------------------------------


def jax_g(x1, x2):
    return jnp.log(x1) + x1 * x2 - jnp.sin(x2)


def jax_f(x1, x2):
    return x1 * x2 + jnp.sin(x1)


def jax_loss(X, T, W1, b1, W2, b2):
    H = jnp.maximum(X @ W1 + b1, 0)
    return jnp.mean((H @ W2 + b2 - T) ** 2)


def jax_mlp(x, W1, b1, W2, b2, w3):
    h1 = jnp.tanh(x @ W1 + b1)
    h2 = jnp.tanh(h1 @ W2 + b2)
    return jnp.sum((h2 @ w3) ** 2) / x.shape[0]


def _close(ours, theirs, rtol):
    ours, theirs = jax.tree_util.tree_leaves(ours), jax.tree_util.tree_leaves(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=rtol)


@pytest.mark.parametrize(
    ("model", "reference", "point"),
    [(lecture.f, jax_f, (2.0, 3.0)), (lecture.g, jax_g, (2.0, 5.0))],
)
def test_jax_lecture_gradients_match_jax(model, reference, point):
    exported = adgen.export.jax(model)
    assert float(exported(*point)) == pytest.approx(float(reference(*point)), rel=1e-6)
    for transform in (jax.grad, jax.value_and_grad):
        ours = jax.jit(transform(exported, argnums=(0, 1)))(*point)
        _close(ours, transform(reference, argnums=(0, 1))(*point), 1e-6)
    if model is lecture.g:  # the lecture's table: 5.5 and 2 - cos 5
        dx1, dx2 = jax.grad(exported, argnums=(0, 1))(*point)
        assert (float(dx1), float(dx2)) == pytest.approx((5.5, 2 - np.cos(5.0)), 1e-6)


@pytest.mark.parametrize("x64", [False, True])
def test_jax_lab_network_loss_matches_jax(x64):
    with jax.enable_x64(x64):
        dtype = np.float64 if x64 else np.float32
        args = [jnp.asarray(a) for a in _net_data(dtype)]
        exported = adgen.export.jax(net_vector.loss)
        params = (2, 3, 4, 5)
        ours = jax.jit(jax.value_and_grad(exported, argnums=params))(*args)
        theirs = jax.value_and_grad(jax_loss, argnums=params)(*args)
        _close(ours, theirs, 1e-12 if x64 else 1e-5)
        assert all(g.dtype == dtype for g in ours[1])


@pytest.mark.parametrize("x64", [False, True])
def test_jax_mlp_several_parameters_match_jax(x64):
    with jax.enable_x64(x64):
        dtype = np.float64 if x64 else np.float32
        args = [jnp.asarray(a) for a in _mlp_data(dtype)]
        exported = adgen.export.jax(mlp, wrt=("W1", "b1", "W2", "b2", "w3"))
        params = (1, 2, 3, 4, 5)
        ours = jax.jit(jax.grad(exported, argnums=params))(*args)
        _close(ours, jax.grad(jax_mlp, argnums=params)(*args), 1e-12 if x64 else 1e-5)


def test_jax_vjp_of_a_vector_output_and_vmap():
    rng = np.random.default_rng(3)
    x, w = jnp.asarray(rng.normal(size=(4, 3))), jnp.asarray(rng.normal(size=3))
    cotangent = jnp.arange(1.0, 5.0)

    def reference(x, w):
        return jnp.log(1.0 + jnp.exp(x @ w))

    exported = adgen.export.jax(softplus_rows)
    out, pullback = jax.vjp(exported, x, w)
    out_ref, pullback_ref = jax.vjp(reference, x, w)
    _close(out, out_ref, 1e-5)
    _close(pullback(cotangent), pullback_ref(cotangent), 1e-5)
    batched = jax.vmap(jax.grad(lambda x, w: jnp.sum(exported(x, w))), (None, 0))
    ws = jnp.stack([w, 2 * w])
    _close(
        batched(x, ws),
        jax.vmap(jax.grad(lambda x, w: jnp.sum(reference(x, w))), (None, 0))(x, ws),
        1e-5,
    )


def test_jax_loop_with_an_integer_data_parameter():
    def reference(x, n):
        y = x
        for _ in range(n):
            y = jnp.sin(y) * x
        return jnp.sum(y)

    x = jnp.asarray([0.3, -1.2, 2.0])
    exported = adgen.export.jax(power_loop)
    for n in (0, 1, 4):  # n is data: an int, no gradient
        _close(jax.grad(exported)(x, n), jax.grad(reference)(x, n), 1e-5)


def test_jax_keywords_and_python_numbers():
    exported = adgen.export.jax(lecture.g)
    assert float(exported(x2=5.0, x1=2.0)) == pytest.approx(11.652, abs=1e-3)
    assert float(jax.grad(lambda a: exported(a, x2=5))(2.0)) == pytest.approx(5.5)


def test_jax_gradient_outside_wrt_is_an_error_not_a_zero():
    exported = adgen.export.jax(lecture.g, wrt="x1")
    assert float(jax.grad(exported)(2.0, 5.0)) == pytest.approx(5.5, 1e-6)
    with pytest.raises(ValueError, match=r"x2 is differentiated by JAX.*only x1"):
        jax.grad(exported, argnums=1)(2.0, 5.0)


def test_jax_refusals():
    with pytest.raises(AdgenError, match="gives one of its operands"):
        adgen.export.jax(refused)
    with pytest.raises(AdgenError, match="has no parameter 'z'"):
        adgen.export.jax(lecture.g, wrt="z")
    exported = adgen.export.jax(lecture.g)
    with pytest.raises(TypeError, match="parameter `x1` is a list"):
        exported([2.0], 5.0)
    with pytest.raises(TypeError, match="`x2` is a ndarray of dtype complex128"):
        exported(2.0, np.array(5.0 + 1j))
    with pytest.raises(TypeError, match="float32 or float64"):
        exported(jnp.asarray(2.0, jnp.float16), 5.0)


# --- PyTorch ----------------------------------------------------------------------


def torch_g(x1, x2):
    return torch.log(x1) + x1 * x2 - torch.sin(x2)


def torch_f(x1, x2):
    return x1 * x2 + torch.sin(x1)


def torch_loss(X, T, W1, b1, W2, b2):
    H = torch.clamp(X @ W1 + b1, min=0)
    return torch.mean((H @ W2 + b2 - T) ** 2)


def torch_mlp(x, W1, b1, W2, b2, w3):
    h1 = torch.tanh(x @ W1 + b1)
    h2 = torch.tanh(h1 @ W2 + b2)
    return torch.sum((h2 @ w3) ** 2) / x.shape[0]


def _leaves(arrays, grad_from=0):
    return [torch.tensor(a, requires_grad=i >= grad_from) for i, a in enumerate(arrays)]


def _backward_both(exported, reference, arrays, grad_from=0):
    """(value, gradients) from exported and reference, each after its own backward()."""
    results = []
    for fn in (exported, reference):
        leaves = _leaves(arrays, grad_from)
        value = fn(*leaves)
        value.backward()
        results.append((value, [t.grad for t in leaves]))
    return results


def _torch_close(ours, theirs, rtol):
    (value, grads), (value_ref, grads_ref) = ours, theirs
    assert value.dtype == value_ref.dtype
    torch.testing.assert_close(value, value_ref, rtol=rtol, atol=rtol)
    for g, g_ref in zip(grads, grads_ref, strict=True):
        if g_ref is None:
            assert g is None
        else:
            assert g.dtype == g_ref.dtype and g.shape == g_ref.shape
            torch.testing.assert_close(g, g_ref, rtol=rtol, atol=rtol)


@pytest.mark.parametrize(
    ("model", "reference", "point"),
    [(lecture.f, torch_f, (2.0, 3.0)), (lecture.g, torch_g, (2.0, 5.0))],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_torch_lecture_gradients_match_torch(model, reference, point, dtype):
    arrays = [np.asarray(p, dtype) for p in point]
    ours, theirs = _backward_both(adgen.export.torch(model), reference, arrays)
    _torch_close(ours, theirs, 1e-6)
    leaves = _leaves(np.asarray(point, np.float64))
    assert torch.autograd.gradcheck(adgen.export.torch(model), leaves)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_torch_lab_network_loss_matches_torch(dtype):
    arrays = _net_data(dtype)
    exported = adgen.export.torch(net_vector.loss)
    ours, theirs = _backward_both(exported, torch_loss, arrays, grad_from=2)
    _torch_close(ours, theirs, 1e-12 if dtype == np.float64 else 1e-5)
    assert ours[1][0] is None and ours[1][1] is None  # X, T: data, no gradient
    if dtype == np.float64:
        assert torch.autograd.gradcheck(exported, _leaves(arrays, grad_from=2))


def test_torch_mlp_several_parameters_gradcheck_and_training_step():
    arrays = _mlp_data(np.float64)
    exported = adgen.export.torch(mlp, wrt=("W1", "b1", "W2", "b2", "w3"))
    ours, theirs = _backward_both(exported, torch_mlp, arrays, grad_from=1)
    _torch_close(ours, theirs, 1e-12)
    assert torch.autograd.gradcheck(exported, _leaves(arrays, grad_from=1))
    x, *params = _leaves(arrays, grad_from=1)
    optimizer = torch.optim.SGD(params, lr=0.1)
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = exported(x, *params)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_torch_vector_output_and_loop():
    rng = np.random.default_rng(5)
    x, w = _leaves([rng.normal(size=(4, 3)), rng.normal(size=3)])
    assert torch.autograd.gradcheck(adgen.export.torch(softplus_rows), (x, w))
    exported = adgen.export.torch(power_loop)
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
    for n in (0, 1, 4):
        assert torch.autograd.gradcheck(lambda x, n=n: exported(x, n), (x,))


def test_torch_wrt_and_python_numbers():
    exported = adgen.export.torch(lecture.g, wrt="x1")
    x1 = torch.tensor(2.0, requires_grad=True)
    exported(x1, 5.0).backward()  # x2, a Python float: no gradient
    assert x1.grad.item() == pytest.approx(5.5)
    x2 = torch.tensor(5.0, requires_grad=True)
    with pytest.raises(ValueError, match=r"x2 requires grad.*only x1"):
        exported(x1, x2)
    value = exported(x1, x2.detach())
    assert value.item() == pytest.approx(11.652, abs=1e-3)


def test_torch_in_place_change_after_forward_is_caught():
    x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    x2 = torch.tensor(5.0, dtype=torch.float64)
    value = adgen.export.torch(lecture.g)(x1, x2)
    x2.add_(1.0)  # the tape holds x2's memory: the gradient would bend
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        value.backward()


def test_torch_second_derivative_raises_instead_of_a_silent_zero():
    x1 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    value = adgen.export.torch(lecture.g)(x1, torch.tensor(5.0, dtype=torch.float64))
    (dx1,) = torch.autograd.grad(value, x1, create_graph=True)
    # torch refuses either way: the seed needs no grad here (no grad_fn), or the
    # backward is once_differentiable where it does
    with pytest.raises(
        RuntimeError, match=r"once_differentiable|does not require grad"
    ):
        dx1.backward()


def test_torch_refusals():
    with pytest.raises(AdgenError, match="gives one of its operands"):
        adgen.export.torch(refused)
    exported = adgen.export.torch(lecture.g)
    with pytest.raises(TypeError, match="parameter `x1` is a ndarray"):
        exported(np.array(2.0), 5.0)
    with pytest.raises(TypeError, match="float32 or float64 tensors"):
        exported(torch.tensor(2.0, dtype=torch.float16), 5.0)
    with pytest.raises(TypeError, match="float32 or float64 tensors"):
        exported(torch.tensor(2.0 + 1j), 5.0)


def test_importing_adgen_export_imports_neither_library():
    code = (
        "import sys, adgen, adgen.export\n"
        "print(sorted({'jax', 'torch'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
