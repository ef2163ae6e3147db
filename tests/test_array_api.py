"""``adgen compile --target array-api``: one generated file, run on numpy,
array_api_strict (the standard, strictly), torch CPU tensors and chunked dask arrays.

Each file is compiled once (module fixtures).  Every gradient is compared with
something independent of adgen, central finite differences (check_grads), a
closed form or torch's autograd, and with the numpy target's numbers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import array_api_strict as xs
import dask.array as da
import numpy as np
import pytest

from adgen.cli import main
from adgen.optimize.array_api import numpy_to_standard
from adgen.primitives import PRIMITIVES
from adgen.testing import check_grads

torch = pytest.importorskip("torch", reason="torch (the bench/export extra) absent")

ROOT = Path(__file__).resolve().parents[1]
NET = ROOT / "examples/lab7/net_vector.py"
LECTURE = ROOT / "examples/lecture.py"
MODELS = ROOT / "tests/array_api_models/models.py"
LOOPS = ROOT / "examples/control_flow.py"
# each library: numpy arrays in, its arrays out
LIBRARIES = {
    "numpy": lambda a: a,
    "array_api_strict": xs.asarray,
    "torch": torch.asarray,
    "dask": lambda a: da.from_array(a, chunks=3),
}
TYPES = {
    "numpy": (np.ndarray, np.generic),
    "array_api_strict": xs.asarray(0.0).__class__,
    "torch": torch.Tensor,
    "dask": da.Array,
}


def as_numpy(x):
    if isinstance(x, da.Array):
        x = x.compute()
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def compile_to(tmp: Path, target: str, *paths: Path) -> Path:
    out = tmp / target
    args = ["compile", *map(str, paths), "-o", str(out), "--mode", "both"]
    assert main([*args, "--target", target]) == 0
    return out


@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    """The array-API modules and the numpy target's, by model file stem."""
    tmp = tmp_path_factory.mktemp("xp")
    xp_dir = compile_to(tmp, "array-api", NET, LECTURE, MODELS, LOOPS)
    np_dir = compile_to(tmp, "numpy", NET, MODELS)
    return {
        "xp": {
            p.stem: load(xp_dir / f"{p.stem}_grad.py", f"xp_{p.stem}")
            for p in (NET, LECTURE, MODELS, LOOPS)
        },
        "np": {
            p.stem: load(np_dir / f"{p.stem}_grad.py", f"np_{p.stem}")
            for p in (NET, MODELS)
        },
    }


def net_args(n=8, seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(n, 2), (n, 1), (2, 3), (3,), (3, 1), (1,)]
    return [rng.normal(size=s) for s in shapes]


@pytest.mark.parametrize("lib", LIBRARIES)
def test_lab_network_on_every_library(gen, lib):
    convert = LIBRARIES[lib]
    args = net_args()
    xp_module, numpy_module = gen["xp"]["net_vector"], gen["np"]["net_vector"]
    grads = xp_module.grad_loss(*map(convert, args))
    assert all(isinstance(g, TYPES[lib]) for g in grads)
    expected = numpy_module.grad_loss(*args)
    for got, want in zip(grads, expected, strict=True):
        np.testing.assert_allclose(as_numpy(got), want, rtol=1e-12, atol=1e-14)
    value, swept = xp_module.value_and_grad_loss(*map(convert, args))
    np.testing.assert_allclose(as_numpy(value), numpy_module.forward_loss(*args)[0])
    tape = xp_module.forward_loss(*map(convert, args))[1]
    swept_apart = xp_module.backward_loss(tape)
    for a, b, c in zip(swept_apart, swept, grads, strict=True):
        np.testing.assert_allclose(as_numpy(a), as_numpy(c), rtol=1e-12)
        np.testing.assert_allclose(as_numpy(b), as_numpy(c), rtol=1e-12)
    model = load(NET, "net_vector_model").loss

    def grad_fn(*a):
        return [as_numpy(g) for g in xp_module.grad_loss(*map(convert, a))]

    check_grads(model, args, wrt=(2, 3, 4, 5), grad_fn=grad_fn)


@pytest.mark.parametrize("lib", LIBRARIES)
def test_lecture_g_on_0d_arrays_against_its_closed_form(gen, lib):
    convert = LIBRARIES[lib]
    x1, x2 = convert(np.asarray(2.0)), convert(np.asarray(5.0))
    d1, d2 = gen["xp"]["lecture"].grad_g(x1, x2)
    assert isinstance(d1, TYPES[lib])
    np.testing.assert_allclose(as_numpy(d1), 1 / 2.0 + 5.0)  # 1/x1 + x2
    np.testing.assert_allclose(as_numpy(d2), 2.0 - np.cos(5.0))  # x1 - cos x2


def torch_grads(loss, args, wrt):
    tensors = [torch.tensor(a, requires_grad=i in wrt) for i, a in enumerate(args)]
    loss(*tensors).backward()
    return [tensors[i].grad.numpy() for i in wrt]


def torch_mlp(X, T, W1, b1, W2, b2):
    return (((torch.tanh(X @ W1 + b1) @ W2 + b2) - T) ** 2).mean()


def torch_logistic(X, y, w, b):
    return torch.log1p(torch.exp(-y * (X @ w + b))).mean()


@pytest.mark.parametrize("lib", LIBRARIES)
def test_mlp_and_logistic_regression_against_torch_autograd(gen, lib):
    convert, rng = LIBRARIES[lib], np.random.default_rng(1)
    mlp = [rng.normal(size=s) for s in [(6, 4), (6, 2), (4, 5), (5,), (5, 2), (2,)]]
    y = np.sign(rng.normal(size=6))
    logistic = [rng.normal(size=(6, 3)), y, rng.normal(size=3), np.asarray(0.3)]
    module, numpy_module = gen["xp"]["models"], gen["np"]["models"]
    for name, args, reference in [
        ("mlp", mlp, torch_mlp),
        ("logistic", logistic, torch_logistic),
    ]:
        wrt = range(2, len(args))
        got = getattr(module, f"grad_{name}")(*map(convert, args))
        assert all(isinstance(g, TYPES[lib]) for g in got)
        want = torch_grads(reference, args, list(wrt))
        same = getattr(numpy_module, f"grad_{name}")(*args)
        for g, w, s in zip(got, want, same, strict=True):
            np.testing.assert_allclose(as_numpy(g), w, rtol=1e-10, atol=1e-13)
            np.testing.assert_allclose(as_numpy(g), s, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("lib", LIBRARIES)
def test_renamed_functions_concat_max_indexes_and_unknown_ranks(gen, lib):
    convert, rng = LIBRARIES[lib], np.random.default_rng(2)
    module = gen["xp"]["models"]
    model = load(MODELS, "array_api_models")
    x = rng.uniform(0.1, 0.9, size=(4, 3))
    y = rng.normal(size=(3, 2))
    check_grads(
        model.features,
        [x],
        grad_fn=lambda a: as_numpy(module.grad_features(convert(a))[0]),
    )
    check_grads(
        model.indexed,
        [x],
        grad_fn=lambda a: as_numpy(module.grad_indexed(convert(a))[0]),
    )
    A = rng.normal(size=(4, 3))
    check_grads(
        model.dotted,
        [x[0], A],
        wrt=(0, 1),
        grad_fn=lambda a, b: [
            as_numpy(g) for g in module.grad_dotted(convert(a), convert(b))
        ],
    )
    check_grads(
        model.softmax_loss,
        [x, y],
        wrt=(0, 1),
        grad_fn=lambda a, b: [
            as_numpy(g) for g in module.grad_softmax_loss(convert(a), convert(b))
        ],
    )
    check_grads(
        model.unknown_rank,
        [x, y],
        wrt=(0, 1),
        grad_fn=lambda a, b: [
            as_numpy(g) for g in module.grad_unknown_rank(convert(a), convert(b))
        ],
    )


@pytest.mark.parametrize("lib", ["array_api_strict", "torch", "dask"])
def test_forward_mode_against_finite_differences(gen, lib):
    convert, args = LIBRARIES[lib], net_args(seed=3)
    model = load(NET, "net_vector_model").loss
    tangents = [np.random.default_rng(4).normal(size=a.shape) for a in args[2:]]
    _, dot = gen["xp"]["net_vector"].jvp_loss(*map(convert, args + tangents))
    h = 1e-6
    plus = [*args[:2], *(a + h * t for a, t in zip(args[2:], tangents, strict=True))]
    minus = [*args[:2], *(a - h * t for a, t in zip(args[2:], tangents, strict=True))]
    np.testing.assert_allclose(
        as_numpy(dot), (model(*plus) - model(*minus)) / (2 * h), rtol=1e-6
    )


def test_dask_gradients_stay_lazy_and_chunked(gen):
    args = net_args(n=12)
    X, T = (da.from_array(a, chunks=(4, -1)) for a in args[:2])
    grads = gen["xp"]["net_vector"].grad_loss(X, T, *args[2:])
    assert all(isinstance(g, da.Array) for g in grads)  # nothing computed yet
    assert X.numblocks == (3, 1)
    expected = gen["np"]["net_vector"].grad_loss(*args)
    for got, want in zip(da.compute(*grads), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_numpy_target_is_the_default_and_array_api_code_imports_no_numpy(tmp_path):
    default = str(tmp_path / "default")
    assert main(["compile", str(NET), "-o", default]) == 0
    # --target numpy writes the same bytes: --check finds nothing to refresh
    assert (
        main(["compile", str(NET), "-o", default, "--target", "numpy", "--check"]) == 0
    )
    text = (compile_to(tmp_path, "array-api", NET) / "net_vector_grad.py").read_text()
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert "import numpy" not in text and not any("np." in line for line in code)
    assert text.count("xp = array_namespace(") == 5  # once in each of 5 functions


REFUSED = """import numpy as np


def tr(x):
    y = x * 2.0
    return np.trace(x @ y)


def clash(x):
    xp = x * 2.0
    return np.sum(xp)


def gather(x, i):
    return np.sum(x[i])
"""


def test_what_the_standard_lacks_is_refused_with_a_location(tmp_path, capsys):
    model = tmp_path / "m.py"
    model.write_text(REFUSED)
    args = ["-o", str(tmp_path), "--target", "array-api"]
    assert main(["compile", f"{model}:tr", *args]) == 2
    err = capsys.readouterr().err
    assert "m.py:6:" in err and "np.trace(n3)" in err and "--target array-api" in err
    assert main(["compile", f"{model}:clash", *args]) == 2
    assert "uses the name `xp`" in capsys.readouterr().err
    assert main(["compile", f"{model}:gather", *args, "--wrt", "x"]) == 0
    gather = load(tmp_path / "m_grad.py", "xp_gather").grad_gather
    index = xs.asarray([0, 0, 1])  # repeats: the standard has no scatter-add
    with pytest.raises(TypeError, match="scatter-add"):
        gather(xs.asarray([1.0, 2.0]), index)
    assert main(["compile", str(NET), *args, "--standalone"]) == 2
    assert "--standalone" in capsys.readouterr().err


def test_the_records_standard_names_exist_in_the_standard():
    """array_api_strict is the standard's reference namespace: every name a record
    gives is a function there (and the renamed ones are as the standard spells them)."""
    names = numpy_to_standard()
    assert names["arcsin"] == "asin" and names["concatenate"] == "concat"
    assert names["outer"] is None and names["sin"] == "sin"
    for numpy_name, standard in names.items():
        assert standard is None or callable(getattr(xs, standard)), numpy_name


def unary_names() -> list[str]:
    """The elementwise functions of one array whose standard name the records give."""
    names = numpy_to_standard()
    return sorted(
        p.name
        for p in PRIMITIVES.values()
        if p.elementwise
        and p.operands == ("x",)
        and p.vjp
        and names.get(p.name)
        and p.name not in ("negative", "floor", "sign")
    )


def test_every_unary_function_through_array_api_strict(tmp_path):
    """One model per elementwise function, on (0.2, 0.7) where every one is smooth."""
    names = unary_names()
    assert {"sin", "arcsin", "log1p", "tanh"} <= set(names)
    lines = ["import numpy as np\n"] + [
        f"\ndef f_{n}(x):\n    return np.sum(np.{n}(x))\n" for n in names
    ]
    (tmp_path / "unary.py").write_text("".join(lines))
    module = load(
        compile_to(tmp_path, "array-api", tmp_path / "unary.py") / "unary_grad.py",
        "xp_unary",
    )
    models = load(tmp_path / "unary.py", "unary_models")
    x = np.random.default_rng(5).uniform(0.2, 0.7, size=(2, 3))
    for n in names:
        grad = getattr(module, f"grad_f_{n}")
        check_grads(
            getattr(models, f"f_{n}"),
            [x],
            grad_fn=lambda a, g=grad: as_numpy(g(xs.asarray(a))[0]),
        )


def test_runtime_api_picks_the_target_from_the_arguments():
    """adgen.grad: numpy in, numpy out (the numpy code); other libraries in, their
    arrays out (the array-API code), against torch's autograd."""
    import adgen
    from adgen.api.targets import target_of

    model = load(MODELS, "array_api_models_api")
    rng = np.random.default_rng(6)
    args = [
        rng.normal(size=(7, 3)),
        np.sign(rng.normal(size=7)),
        rng.normal(size=3),
        np.asarray(0.1),
    ]
    want = torch_grads(torch_logistic, args, [2, 3])
    grad = adgen.grad(model.logistic, wrt=("w", "b"))
    assert target_of(tuple(args)) == "numpy" and target_of((1.0, [2.0])) == "numpy"
    assert isinstance(grad(*args)[0], np.ndarray)
    for lib, convert in LIBRARIES.items():
        got = grad(*map(convert, args))
        assert all(isinstance(g, TYPES[lib]) for g in got), lib
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(as_numpy(g), w, rtol=1e-10, atol=1e-13)
    value, _ = adgen.value_and_grad(model.logistic)(*map(LIBRARIES["dask"], args))
    assert isinstance(value, da.Array)  # still lazy


@pytest.mark.parametrize("lib", LIBRARIES)
def test_loops_and_branches_the_rnn_and_huber(gen, lib):
    """A loop that indexes a matrix row by row (x[t] is x[t, ...] in the standard),
    and a branch, against finite differences."""
    convert, module = LIBRARIES[lib], gen["xp"]["control_flow"]
    model = load(LOOPS, "control_flow_model")
    rng = np.random.default_rng(7)
    args = [0.5 * rng.normal(size=s) for s in [(5, 3), (4, 4), (4, 3), (4,)]]

    def grad_fn(*a):
        return [as_numpy(g) for g in module.grad_rnn(*map(convert, a))]

    check_grads(model.rnn, args, wrt=(1, 2, 3), grad_fn=grad_fn)
    for r, delta, want in [(0.5, 1.0, (0.5, 0.0)), (3.0, 1.0, (1.0, 2.0))]:
        got = module.grad_huber(convert(np.asarray(r)), convert(np.asarray(delta)))
        np.testing.assert_allclose([float(as_numpy(g)) for g in got], want)
