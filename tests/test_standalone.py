"""`adgen compile --standalone`: a file that runs where adgen cannot be imported.

Each generated file runs in a fresh interpreter in which ``import adgen`` fails;
its gradients are compared, in this process, with central finite differences of
the model itself (imported here, where adgen is available).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from conftest import EXAMPLES

from adgen.cli import main

MODELS = textwrap.dedent("""
    import math
    import numpy as np
    import scipy.special


    def unannotated(x, w):
        return np.sum(np.tanh(x * w + 1.0) ** 2)


    def lse(z, W):
        return scipy.special.logsumexp(z @ W)


    def pick(x):
        return np.max(x, axis=0).sum() + x[1, 2] * np.trace(x)


    def loop(x, n: int):
        s = 0.0
        for i in range(n):
            s = s + np.sin(x * i)
        return np.sum(s)


    def scal(a: float, b: float):
        return math.log(a) * b + np.exp(a)
    """)

RNG = np.random.default_rng(7)
POINTS = {  # function: arguments, and which of them are differentiated
    "unannotated": ([RNG.normal(size=(3, 4)), RNG.normal(size=4)], [0, 1]),
    "lse": ([RNG.normal(size=3), RNG.normal(size=(3, 5))], [0, 1]),
    "pick": ([RNG.normal(size=(3, 3))], [0]),
    "loop": ([RNG.normal(size=4), 3], [0]),
    "scal": ([1.7, 0.4], [0, 1]),
}

# In the child: adgen unimportable, the generated module loaded from its file,
# each grad_ called; the gradients come back as JSON.
CHILD = """
import importlib.util, json, sys
import numpy as np
sys.modules["adgen"] = None  # `import adgen` raises ImportError from here on
spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
calls = json.loads(sys.argv[2])
out = {}
for name, args in calls.items():
    args = [np.array(a) if isinstance(a, list) else a for a in args]
    grads = getattr(module, "grad_" + name)(*args)
    out[name] = [np.asarray(g).tolist() for g in grads]
for name, (args, dots) in json.loads(sys.argv[3]).items():
    args = [np.array(a) if isinstance(a, list) else a for a in args]
    dots = [np.array(d) if isinstance(d, list) else d for d in dots]
    out["jvp_" + name] = float(getattr(module, "jvp_" + name)(*args, *dots)[1])
print(json.dumps(out))
"""


def _run_without_adgen(generated, calls, tangents=None):
    arguments = [json.dumps(calls), json.dumps(tangents or {})]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(generated), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem + "_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _finite_difference(f, args, index, eps=1e-6):
    x = np.asarray(args[index], dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        up, down = list(args), list(args)
        up[index], down[index] = x + step, x - step
        if np.ndim(args[index]) == 0:
            up[index], down[index] = float(x + step), float(x - step)
        grad[i] = (f(*up) - f(*down)) / (2 * eps)
    return grad


def _as_json(args):
    return [a.tolist() if isinstance(a, np.ndarray) else a for a in args]


def test_standalone_files_run_without_adgen(tmp_path):
    model = tmp_path / "many.py"
    model.write_text(MODELS, encoding="utf-8")
    out = tmp_path / "gen"
    argv = ["compile", str(model), "-o", str(out), "--standalone", "--mode", "both"]
    assert main(argv) == 0
    text = (out / "many_grad.py").read_text(encoding="utf-8")
    assert "import adgen" not in text and "from adgen" not in text
    assert "warn_if_stale" not in text  # the staleness check would need adgen
    assert "def unbroadcast(g: Any, like: Any) -> Any:" in text  # copied, as written
    directions = {  # forward mode: one tangent per parameter, plain floats and lists
        n: (_as_json(a), [np.ones_like(np.asarray(v, dtype=float)).tolist() for v in a])
        for n, (a, _) in POINTS.items()
        if n != "loop"  # an int parameter: its tangent is no float direction
    }
    got = _run_without_adgen(
        out / "many_grad.py",
        {n: _as_json(a) for n, (a, _) in POINTS.items()},
        directions,
    )
    functions = _load(model)
    for name, (args, dots) in directions.items():  # d/dt f(args + t * dots) at 0
        f, eps = getattr(functions, name), 1e-6
        up = [
            np.asarray(a) + eps * np.asarray(d) for a, d in zip(args, dots, strict=True)
        ]
        down = [
            np.asarray(a) - eps * np.asarray(d) for a, d in zip(args, dots, strict=True)
        ]
        expected = (f(*up) - f(*down)) / (2 * eps)
        assert np.isclose(got["jvp_" + name], expected, atol=1e-6), name
    for name, (args, wrt) in POINTS.items():
        f = getattr(functions, name)
        for position, index in enumerate(wrt):
            expected = _finite_difference(f, args, index)
            assert np.allclose(got[name][position], expected, atol=1e-6), name


@pytest.mark.parametrize(
    ("model", "function", "args"),
    [
        ("lecture.py", "g", [2.0, 5.0]),
        ("lab7/net_vector.py", "loss", None),
    ],
)
def test_standalone_examples_match_finite_differences(tmp_path, model, function, args):
    path = EXAMPLES / model
    out = tmp_path / "gen"
    assert main(["compile", f"{path}:{function}", "-o", str(out), "--standalone"]) == 0
    if args is None:  # the lab's network: X, T, W1, b1, W2, b2
        shapes = [(6, 2), (6, 1), (2, 3), (3,), (3, 1), (1,)]
        args = [RNG.normal(size=s) for s in shapes]
    generated = out / f"{path.stem}_grad.py"
    got = _run_without_adgen(generated, {function: _as_json(args)})[function]
    f = getattr(_load(path), function)
    wrt = range(len(got)) if len(got) == len(args) else range(2, 2 + len(got))
    for position, index in enumerate(wrt):
        expected = _finite_difference(f, args, index)
        assert np.allclose(got[position], expected, atol=1e-6)


def test_standalone_is_in_the_regenerate_command_and_check_mode(tmp_path, capsys):
    model = tmp_path / "m.py"
    model.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(x * x)\n")
    out = str(tmp_path / "gen")
    assert main(["compile", str(model), "-o", out, "--standalone"]) == 0
    text = (tmp_path / "gen" / "m_grad.py").read_text(encoding="utf-8")
    assert "--standalone`." in text.splitlines()[1]
    capsys.readouterr()
    assert main(["compile", str(model), "-o", out, "--standalone", "--check"]) == 0
    assert main(["compile", str(model), "-o", out, "--check"]) == 1  # not the same file
