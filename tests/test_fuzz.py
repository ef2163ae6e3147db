"""Property-based gradient tests on random programs (generator: ``fuzz_programs.py``).

Hypothesis writes random, well-formed model modules over adgen's supported
language, compiles each with ``adgen.pipeline.compile_source`` and checks:

1. ``grad_f`` matches central finite differences of the *original* program
   (exec'd from the same text), for every parameter, at a smooth point, and
   autograd's gradient of the same source (``autograd_oracle.py``) wherever
   autograd can trace it (the property asserts that it could for at least
   half of the programs); with nested lists for arrays, adgen gives the same
   (value_and_grad_f, and jvp_f with list tangents); a module constant that the
   module rebinds is refused wherever ``f`` reads it;
2. ``backward_f(forward_f(...)[1])`` equals ``grad_f(...)`` (and scales with
   the seed), and ``forward_f(...)[0]`` equals the original function's value;
   ``value_and_grad_f`` gives that value and ``grad_f``'s gradient;
   forward mode too: ``jvp_f`` along a random tangent matches the finite
   differences and the reverse gradient along it (``check_forward_mode``);
3. the generated module is byte-identical when compiled twice (and in another
   process, under another hash seed);
4. float32 arrays give gradients of the parameters' shapes, and float32 ones
   wherever the program itself computes in float32 (no float64 numpy value
   anywhere in its evaluation: ``computes_in_float32``); and their values
   match central differences in float64 at the float32 point, to float32
   precision (``float32_value_problems``), where the point is smooth;
6. at singular points (``log``, ``sqrt``, ``1/z``, ``z ** -1``, ``z ** 0`` at
   z == 0) the gradient is autograd's, infs and nans included, and nothing
   raises (jvp_f neither), with Python floats too (``singular_programs``).

Bugs being fixed elsewhere that the generator produces on purpose are excused
narrowly and counted (``KNOWN_BUGS``; delete an entry to turn its check on).

Every file in ``tests/fuzz_regressions/`` (a shrunk failing program, with its
point in a ``# point: {...}`` comment) goes through the check its ``# check:``
comment names: ``gradients`` (1-2), ``float32`` (4) or ``refuse_or_correct``:
refused with the error its ``# refusal: Class: message fragment`` line names,
or, without that line, compiled with correct gradients (1-2).

How to run::

    python -m pytest tests/test_fuzz.py                         # CI: 60 examples per property
    ADGEN_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py  # the long run (~25 min)
    ADGEN_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py -k autograd -s  # + oracle coverage
    ADGEN_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py --hypothesis-show-statistics

Runs are reproducible (``derandomize=True``): the same examples every time,
for a given generator and example count.  A failure prints the shrunk program
and its point; save it with ``save_regression`` (below) or by hand.

Points are generic (grid plus jitter, see ``fuzz_programs.jitter``); a point
is rejected (``assume``) only when finite differences say the program is not
smooth there: the central difference with step 1e-6 and a fourth-order one
with step 1e-3 disagree, i.e. a kink (abs, maximum, clip, where, max, %, //)
lies within ~2e-3 of the point; or when the path changes within that distance:
some ``if``, ``while`` or ``a if c else b`` test has another value at one of
the points the differences evaluate (a branch switch is a jump or a kink, which
the first check usually sees, but not always: the two branches may agree to
first order).  Neither check involves adgen.
"""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from autograd_oracle import autograd_gradients, disagreement
from fuzz_programs import Program, programs, singular_programs
from hypothesis import (
    HealthCheck,
    assume,
    currently_in_test_context,
    event,
    given,
    note,
    reject,
    settings,
)

from adgen.errors import AdgenError, MutationNotSupported, SourceFile, UnresolvedName
from adgen.pipeline import compile_source

EXAMPLES = int(os.environ.get("ADGEN_FUZZ_EXAMPLES", "60"))
REGRESSIONS = Path(__file__).parent / "fuzz_regressions"

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

RTOL = 1e-5  # adgen vs the central difference
ATOL = 1e-6  # ... times max(1, the parameter's largest gradient entry)
SMOOTH_RTOL = 1e-6  # the two finite-difference formulas must agree this well


# ---------------------------------------------------------------------------
# running a program
# ---------------------------------------------------------------------------
def run_original(text: str) -> dict:
    """The program's own namespace: its ``f`` is the reference."""
    namespace: dict = {"__name__": "fuzz"}
    exec(compile(text, "fuzz.py", "exec"), namespace)
    return namespace


class _RecordBranches(ast.NodeTransformer):
    """Wrap every test of an ``if``, ``while`` and ``a if c else b`` in ``__branch__(...)``."""

    def record(self, node):
        self.generic_visit(node)
        node.test = ast.Call(ast.Name("__branch__", ast.Load()), [node.test], [])
        return node

    visit_If = visit_While = visit_IfExp = record


def run_recording_branches(text: str) -> tuple:
    """The program's ``f`` and the list of the branches its last call took (the
    value of every test, in order): a different list is a different path."""
    tree = ast.fix_missing_locations(_RecordBranches().visit(ast.parse(text)))
    taken: list[bool] = []

    def branch(test):
        taken.append(bool(test))
        return test

    namespace: dict = {"__name__": "fuzz_branches", "__branch__": branch}
    exec(compile(tree, "fuzz.py", "exec"), namespace)
    return namespace["f"], taken


def compile_program(text: str, wrt: list[str]) -> str:
    """Both modes: forward_f, backward_f, grad_f and jvp_f."""
    return compile_source(SourceFile("fuzz.py", text), ["f"], wrt, mode="both")


def compiled(text: str, wrt: tuple[str, ...]) -> str:
    """``compile_program``, cached: Hypothesis often draws a program again with
    another point, and black dominates the cost of a compile.  A program adgen
    refuses conservatively (an in-place update in a loop that might share its
    array) is set aside: a located refusal is allowed, a wrong number is not."""
    try:
        return _compiled(text, wrt)
    except MutationNotSupported:
        if not currently_in_test_context():  # a saved regression: its own check
            raise
        event("refused: in-place update that might share an array")
        reject()


@functools.lru_cache(maxsize=512)
def _compiled(text: str, wrt: tuple[str, ...]) -> str:
    return compile_program(text, list(wrt))


VERIFIED_DETERMINISTIC: set[str] = set()


def run_generated(code: str) -> dict:
    namespace: dict = {"__name__": "fuzz_grad"}
    exec(compile(code, "<adgen: fuzz_grad.py>", "exec"), namespace)
    return namespace


class _Watch(ast.NodeTransformer):
    """Wrap every computed value of the functions in ``__watch__(...)``."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.decorator_list = []
        self.generic_visit(node)
        return node

    def wrap(self, node: ast.expr) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
            return node
        return ast.Call(ast.Name("__watch__", ast.Load()), [node], [])

    visit_BinOp = visit_UnaryOp = visit_Call = visit_Subscript = wrap


def computes_in_float32(text: str, args: list) -> bool:
    """Does the program, on these (float32) arguments, compute without any float64
    numpy value?  (Python floats are "weak" and do not count: numpy keeps float32.)"""
    tree = ast.fix_missing_locations(_Watch().visit(ast.parse(text)))
    seen: list[object] = []

    def watch(v):
        if isinstance(v, (np.ndarray, np.generic)) and v.dtype == np.float64:
            seen.append(v)
        return v

    namespace: dict = {"__name__": "fuzz_watched", "__watch__": watch}
    exec(compile(tree, "fuzz.py", "exec"), namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        namespace["f"](*copies(args))
    return not seen


def copies(args: list) -> list:
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def value(f, args: list) -> float:
    """``f(*args)`` as a float; the program must give a finite scalar without a warning."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = f(*copies(args))
    assert np.ndim(out) == 0, f"f returned shape {np.shape(out)}"
    out = float(out)
    assert np.isfinite(out), f"f returned {out}"
    return out


def moved(args: list, p: int, index: tuple, step: float) -> list:
    out = copies(args)
    if np.ndim(args[p]) == 0:
        out[p] = float(args[p]) + step
    else:
        x = np.array(args[p], dtype=np.float64)
        x[index] += step
        out[p] = x
    return out


def finite_differences(
    f, args: list, n: int | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each of the first ``n`` parameters (the active ones; the rest are
    data): (central difference, step 1e-6; fourth-order, step 1e-3)."""
    result = []
    for p, a in enumerate(args[:n]):
        a = np.asarray(a, dtype=np.float64)
        central, fourth = np.zeros(a.shape), np.zeros(a.shape)
        for i in np.ndindex(a.shape):
            scale = max(1.0, abs(float(a[i])))
            h, big = 1e-6 * scale, 1e-3 * scale

            def at(step, i=i, p=p):
                return value(f, moved(args, p, i, step))

            central[i] = (at(h) - at(-h)) / (2 * h)
            fourth[i] = (8 * (at(big) - at(-big)) - (at(2 * big) - at(-2 * big))) / (
                12 * big
            )
        result.append((central, fourth))
    return result


def is_smooth(fds: list, out: float) -> bool:
    """Do the two difference formulas agree (no kink within ~2e-3 of the point)?"""
    scale = max([1.0] + [float(np.max(np.abs(c), initial=0.0)) for c, _ in fds])
    for central, fourth in fds:
        tol = SMOOTH_RTOL * (np.abs(fourth) + scale) + 1e-9 * abs(out)
        if not np.all(np.abs(central - fourth) <= tol):
            return False
    return True


def mismatch(got, expected: np.ndarray, scale: float, out: float) -> str | None:
    """None if adgen's gradient ``got`` matches the finite differences."""
    got = np.asarray(got, dtype=np.float64)
    if got.shape != expected.shape:
        return f"shape {got.shape}, expected {expected.shape}"
    err = np.abs(got - expected)
    tol = RTOL * np.abs(expected) + ATOL * scale + 1e-9 * abs(out)
    if np.all(np.isfinite(got)) and np.all(err <= tol):
        return None
    worst = np.unravel_index(
        int(np.argmax(np.where(np.isfinite(err), err, np.inf))), err.shape
    )
    return (
        f"adgen {got[worst]!r} vs finite differences {expected[worst]!r} at {worst} "
        f"(adgen {np.array2string(got, precision=6)}, fd {np.array2string(expected, precision=6)})"
    )


def check_gradients(
    text: str,
    args: list,
    params: list[str],
    fuzzing: bool = True,
    lists: list | None = None,
) -> str:
    """Properties 1 and 2 for one program at one point (also used for regressions);
    ``params`` are the active parameters, the first arguments (any others are data).
    ``lists``: the arguments again with lists for arrays, for ``check_list_inputs``.
    Returns whether the autograd oracle ran (``check_autograd``), or "excused"."""
    recorded, taken = run_recording_branches(text)
    paths: set[tuple[bool, ...]] = set()

    def f(*a):  # the program, noting the path of every evaluation
        taken.clear()
        out = recorded(*a)
        paths.add(tuple(taken))
        return out

    out = value(f, args)
    fds = finite_differences(f, args, len(params))
    smooth = is_smooth(fds, out)
    one_path = len(paths) == 1  # no branch switches within 2e-3 of the point
    if fuzzing:
        if not smooth:
            event("rejected: not smooth at the point")
        elif not one_path:
            event("rejected: smooth, but a branch switches near the point")
        if paths != {()}:
            event("evaluates a branch or while test")
        assume(smooth and one_path)
    else:
        assert smooth, "the point is not smooth: finite differences disagree"
        assert one_path, "a branch switches near the point"

    code = compiled(text, tuple(params))
    if fuzzing:
        note(code)
    generated = run_generated(code)
    grads = generated["grad_f"](*copies(args))
    assert isinstance(grads, tuple) and len(grads) == len(params), grads
    problems = []
    for name, g, (central, _) in zip(params, grads, fds, strict=True):
        # the absolute floor scales with this parameter's gradient, not the largest
        scale = max(1.0, float(np.max(np.abs(central), initial=0.0)))
        bad = mismatch(g, central, scale, out)
        if bad:
            problems.append(f"d f / d {name}: {bad}")
    assert not problems, "gradient mismatch:\n" + "\n".join(problems)
    peer = check_autograd(text, args, params, grads)
    check_float_path(code, args, grads)

    fwd, tape = generated["forward_f"](*copies(args))
    np.testing.assert_allclose(float(fwd), out, rtol=1e-12, atol=1e-300)
    back = generated["backward_f"](tape)
    back2 = generated["backward_f"](tape, 2.0)
    for name, g, b, b2, (central, _) in zip(
        params, grads, back, back2, fds, strict=True
    ):
        # the same up to rounding: grad_f calls math where backward_f calls numpy,
        # which may differ in the last bit, and 1 - tanh(x)**2 near 1 magnifies that
        # (regression 028); the floor scales with the gradient, as above
        scale = max(1.0, float(np.max(np.abs(central), initial=0.0)))
        np.testing.assert_allclose(
            b,
            g,
            rtol=1e-12,
            atol=1e-12 * scale,
            err_msg=f"backward_f vs grad_f, {name}",
        )
        np.testing.assert_allclose(
            b2,
            2 * np.asarray(g),
            rtol=1e-12,
            atol=1e-12 * scale,
            err_msg=f"seed 2, {name}",
        )
    fused_value, fused = generated["value_and_grad_f"](*copies(args))
    np.testing.assert_allclose(float(fused_value), out, rtol=1e-12, atol=1e-300)
    for name, g, v in zip(params, grads, fused, strict=True):
        np.testing.assert_array_equal(
            v, g, err_msg=f"value_and_grad_f vs grad_f, {name}"
        )
    check_forward_mode(generated["jvp_f"], args, grads, fds, out)
    if lists is not None:
        check_list_inputs(generated, lists, params, fds, out, grads)
    return peer


def check_list_inputs(
    generated: dict, lists: list, params: list[str], fds, out, grads: tuple
):
    """Nested lists where the program takes arrays: adgen reads them as the arrays
    they spell (the finite differences are the original program's at the arrays:
    on lists numpy's ``+`` concatenates), in both modes: ``value_and_grad_f``, and
    ``jvp_f`` with lists for the tangents too."""
    value, list_grads = generated["value_and_grad_f"](*copies(lists))
    problems = [] if np.isclose(float(value), out, rtol=1e-12) else [f"value {value}"]
    for name, g, (central, _) in zip(params, list_grads, fds, strict=True):
        scale = max(1.0, float(np.max(np.abs(central), initial=0.0)))
        bad = mismatch(g, central, scale, out)
        if bad:
            problems.append(f"d f / d {name}: {bad}")
        if not isinstance(g, np.ndarray) and np.ndim(central):
            problems.append(f"d f / d {name}: a {type(g).__name__}, not an array")
    tangents = [
        np.ones(np.shape(a)).tolist() if np.ndim(a) else 0.5
        for a in lists[: len(params)]
    ]
    jvp_value, derivative = generated["jvp_f"](*copies(lists), *copies(tangents))
    along = sum(
        float(np.sum(np.asarray(g) * t)) for g, t in zip(grads, tangents, strict=True)
    )
    if not np.isclose(float(jvp_value), out, rtol=1e-12):
        problems.append(f"jvp_f value {jvp_value}")
    if not np.isclose(
        float(derivative), along, rtol=1e-9, atol=1e-12 * max(1.0, abs(along))
    ):
        problems.append(f"jvp_f along ones: {derivative}, grad_f says {along}")
    assert not problems, "lists for arrays:\n" + "\n".join(problems)


def check_autograd(text: str, args: list, params: list[str], grads: tuple) -> str:
    """The second oracle: autograd's gradient of the same source program.  Returns
    "traced", or "untraceable: <why>" (skipped for this oracle only, and counted)."""
    expected = autograd_gradients(text, copies(args), list(range(len(params))))
    if isinstance(expected, str):
        return f"untraceable: {expected}"
    problems = []
    for name, g, e in zip(params, grads, expected, strict=True):
        bad = disagreement(g, e)
        if bad:
            problems.append(f"d f / d {name}: {bad}")
    assert not problems, "adgen vs autograd:\n" + "\n".join(problems)
    return "traced"


FALLBACK = "except (ArithmeticError, TypeError, ValueError):"


def check_float_path(code: str, args: list, grads: tuple) -> None:
    """On Python floats the float path must not fall back for a TypeError: that
    would be a scalar misread, hidden behind the numpy sweeps' right answer."""
    if FALLBACK not in code or not all(type(a) is float for a in args):
        return
    strict = run_generated(
        code.replace(FALLBACK, "except (ArithmeticError, ValueError):")
    )
    for got, g in zip(strict["grad_f"](*copies(args)), grads, strict=True):
        np.testing.assert_array_equal(got, g, err_msg="the float path")


def check_forward_mode(jvp, args: list, grads: tuple, fds: list, out: float) -> None:
    """Property 5: jvp_f along a tangent v gives f's value and the derivative
    along v, which must match the finite differences' sum(central * v) and
    reverse mode's sum(grad * v)."""
    rng = np.random.default_rng(len(args))
    tangents = [
        (
            float(rng.uniform(-1, 1))
            if np.ndim(a) == 0
            else rng.uniform(-1, 1, np.shape(a))
        )
        for a in args[: len(grads)]  # the active ones
    ]
    value, derivative = jvp(*copies(args), *tangents)
    np.testing.assert_allclose(float(value), out, rtol=1e-12, atol=1e-300)
    by_fd = sum(float(np.sum(c * v)) for (c, _), v in zip(fds, tangents, strict=True))
    by_reverse = sum(
        float(np.sum(np.asarray(g) * v)) for g, v in zip(grads, tangents, strict=True)
    )
    scale = max([1.0] + [float(np.sum(np.abs(c))) for c, _ in fds])
    bad = mismatch(derivative, np.asarray(by_fd), scale, out)
    assert bad is None, f"jvp_f along the tangents: {bad}"
    np.testing.assert_allclose(
        float(derivative),
        by_reverse,
        rtol=1e-9,
        atol=1e-12 * scale,
        err_msg="jvp_f vs grad_f along the tangents",
    )


def check_float32(
    text: str,
    args: list,
    params: list[str],
    fuzzing: bool = True,
) -> None:
    """Property 4 for one program at one point whose arrays are float32."""
    f = run_original(text)["f"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # float32 may overflow: fine
        finite = bool(np.all(np.isfinite(f(*copies(args)))))
        if fuzzing:
            assume(finite)
        generated = run_generated(compiled(text, tuple(params)))
        grads = generated["grad_f"](*copies(args))
    keeps_float32 = computes_in_float32(text, args)
    if fuzzing:
        event(f"program computes in float32: {keeps_float32}")
    problems = []
    for name, a, g in zip(params, args[: len(params)], grads, strict=True):
        if np.shape(g) != np.shape(a):
            problems.append(f"d f / d {name}: shape {np.shape(g)}, not {np.shape(a)}")
        elif np.ndim(a) and keeps_float32 and np.asarray(g).dtype != np.float32:
            problems.append(f"d f / d {name}: dtype {np.asarray(g).dtype}, not float32")
    if not problems:  # values: whether or not the program keeps float32 throughout
        problems += float32_value_problems(text, args, params, grads, fuzzing)
    assert not problems, "float32 gradients:\n" + "\n".join(problems)


# float32 gradient vs float64 differences: the error allowed per entry, relative to
# the entry plus the largest one. 600 fuzzed programs stayed within 1e-6.
F32_RTOL = 1e-4


def float32_value_problems(
    text: str,
    args: list,
    params: list[str],
    grads: tuple,
    fuzzing: bool,
) -> list[str]:
    """The float32 gradient against central differences in float64 at the float32
    point (widened to float64): the exact derivative where the float32 run is.
    Where the program is not smooth or changes path within ~2e-3 of the point (the
    checks of property 1), the values are not compared; the dtype check still is."""
    point = [a.astype(np.float64) if isinstance(a, np.ndarray) else a for a in args]
    recorded, taken = run_recording_branches(text)
    paths: set[tuple[bool, ...]] = set()

    def f(*a):
        taken.clear()
        out = recorded(*a)
        paths.add(tuple(taken))
        return out

    try:
        out = value(f, point)
        fds = finite_differences(f, point, len(params))
    except (ArithmeticError, AssertionError):  # overflow or a warning in float64
        if fuzzing:
            event("float32: values not checked (not finite around the point)")
        return []
    if not (is_smooth(fds, out) and len(paths) == 1):
        if fuzzing:
            event("float32: values not checked (a kink or branch near the point)")
        return []
    scale = max([1.0] + [float(np.max(np.abs(c), initial=0.0)) for c, _ in fds])
    problems = []
    for name, g, (central, _) in zip(params, grads, fds, strict=True):
        got = np.asarray(g, dtype=np.float64)
        tol = F32_RTOL * (np.abs(central) + scale)
        err = np.abs(got - central)
        if not np.all(err <= tol):
            problems.append(
                f"d f / d {name}: float32 {np.array2string(got, precision=6)}, "
                f"float64 differences {np.array2string(central, precision=6)}"
            )
    return problems


def describe(program: Program) -> None:
    """Print a failing program readably (Hypothesis prints notes of the shrunk example)."""
    note(f"program:\n{program.text}\n# point: {program.point!r}")
    EXCUSED_NOW.clear()
    for t in sorted(program.tags):
        event(t)


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------
# Bugs being fixed on another branch, which the generator produces on purpose.
# Each check excuses exactly its failure (see where it calls known_bug) and
# records an event; delete an entry to turn its check on.
KNOWN_BUGS: dict[str, str] = {}  # none open


EXCUSED: Counter[str] = Counter()  # programs with a failure excused, by known bug
EXCUSED_NOW: set[str] = set()  # the known bugs the current program met


def known_bug(name: str) -> bool:
    """Is ``name`` still a known bug?  (Then its failure is excused, and counted.)"""
    if name not in KNOWN_BUGS:
        return False
    event(f"known bug {KNOWN_BUGS[name]}")
    if name not in EXCUSED_NOW:
        EXCUSED_NOW.add(name)
        EXCUSED[KNOWN_BUGS[name]] += 1
    return True


def print_excused() -> None:
    for why, n in sorted(EXCUSED.items()):
        print(f"  excused in {n:4d} programs: known bug {why}")
    EXCUSED.clear()


def check_program(program: Program) -> str:
    """Properties 1 and 2 for a drawn program, lists for arrays included; a
    module constant the program rebinds (``GAIN``) must be refused where read."""
    if refused_for_rebound_constant(program):
        return "refused"
    args = program.args()
    lists = program.args(lists=True) if program.list_inputs else None
    return check_gradients(program.text, args, program.wrt, lists=lists)


# The autograd oracle must run on at least this fraction of the programs that
# reach it; the rest use what autograd cannot trace (``//``, clip with active
# bounds, concatenation with axis=None): without the floor it could skip them all.
AUTOGRAD_COVERAGE = 0.5


def test_gradients_match_finite_differences_and_autograd():
    """Properties 1 and 2: grad_f = central differences, and autograd's gradient
    wherever autograd can trace the program; forward/backward = grad_f."""
    tally: Counter[str] = Counter()

    @FUZZ
    @given(programs())
    def check(program: Program):
        describe(program)
        outcome = check_program(program)
        event(f"autograd oracle: {outcome}")
        if outcome not in ("refused", "excused"):
            tally[outcome] += 1

    check()
    print_excused()
    assert_oracle_coverage(tally)


def assert_oracle_coverage(tally: Counter[str]) -> None:
    traced = tally["traced"]
    total = sum(tally.values())
    print(f"\nautograd oracle ran on {traced} of {total} programs; skipped:")
    for why, n in tally.most_common():
        if why != "traced":
            print(f"  {n:4d}  {why}")
    assert (
        total and traced >= AUTOGRAD_COVERAGE * total
    ), f"the autograd oracle ran on {traced} of {total} programs only: {dict(tally)}"


def test_singular_points_match_autograd():
    """Property 6: at a singular point (log, sqrt, 1/z, z ** -1, z ** 0 at z == 0)
    grad_f, value_and_grad_f and backward_f raise nothing (Python floats too)
    and give autograd's gradient, infs and nans included (numpy computes both);
    jvp_f gives the derivative along a tangent where that gradient is finite."""
    tally: Counter[str] = Counter()

    @FUZZ
    @given(singular_programs())
    def check(program: Program):
        describe(program)
        outcome = check_singular(program)
        event(f"autograd oracle: {outcome}")
        tally[outcome] += 1

    check()
    print_excused()
    assert_oracle_coverage(tally)


def check_singular(program: Program) -> str:
    args, params = program.args(), program.wrt
    # autograd raises on a Python float 0.0 ** -1: give it numpy's float
    numpy_args = [np.float64(a) if isinstance(a, float) else a for a in args]
    expected = autograd_gradients(program.text, numpy_args, [0, 1])
    if isinstance(expected, str):
        return f"untraceable: {expected}"
    generated = run_generated(compiled(program.text, tuple(params)))
    note(_compiled(program.text, tuple(params)))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        sweeps = {
            "grad_f": generated["grad_f"](*copies(args)),
            "value_and_grad_f": generated["value_and_grad_f"](*copies(args))[1],
            "backward_f": generated["backward_f"](
                generated["forward_f"](*copies(args))[1]
            ),
        }
        jvp = check_singular_jvp(generated["jvp_f"], args, expected)
    problems = []
    for sweep, grads in sweeps.items():
        for name, g, e in zip(params, grads, expected, strict=True):
            bad = disagreement(g, e)
            if bad:
                problems.append(f"{sweep}, d f / d {name}: {bad}")
    if jvp:
        problems.append(jvp)
    assert not problems, "adgen vs autograd at a singular point:\n" + "\n".join(
        problems
    )
    return "traced"


def check_singular_jvp(jvp, args: list, expected: tuple) -> str | None:
    """jvp_f along a tangent raises nothing (Python floats too), and matches
    autograd's gradient along it, if that is finite."""
    tangents = [np.ones(np.shape(a)) if np.ndim(a) else 0.5 for a in args[:2]]
    _, derivative = jvp(*copies(args), *tangents)
    if not all(np.all(np.isfinite(e)) for e in expected):
        return None
    along = sum(float(np.sum(e * v)) for e, v in zip(expected, tangents, strict=True))
    bad = disagreement(derivative, along)
    return f"jvp_f: {bad}" if bad else None


@FUZZ
@given(programs())
def test_compilation_is_deterministic(program: Program):
    """Property 3: the same source compiles to byte-identical text."""
    describe(program)
    if program.text in VERIFIED_DETERMINISTIC:
        return
    assert outcome(program) == outcome(program)
    VERIFIED_DETERMINISTIC.add(program.text)


def outcome(program: Program) -> str:
    """The generated text, or the refusal's message (a conservative refusal of an
    in-place update in a loop must be as reproducible as the code)."""
    try:
        return compile_program(program.text, program.wrt)
    except MutationNotSupported as refusal:
        event("refused: in-place update that might share an array")
        return str(refusal)
    except UnresolvedName as refusal:
        if not reads_rebound_constant(program):
            raise
        event("refused: a rebound module constant")
        return str(refusal)


@FUZZ
@given(programs())
def test_float32_gradients(program: Program):
    """Property 4: float32 arrays in, gradients of the parameters' shapes out; float32
    wherever the original program computes in float32 throughout."""
    describe(program)
    if refused_for_rebound_constant(program):
        return
    check_float32(program.text, program.args(np.float32), program.wrt)


def refused_for_rebound_constant(program: Program) -> bool:
    """A program whose ``f`` reads a module constant the module rebinds must be
    refused, with a message naming it; True if it was (nothing else to check)."""
    if not reads_rebound_constant(program):
        return False
    with pytest.raises(UnresolvedName, match="`GAIN` is a module-level variable"):
        compiled(program.text, tuple(program.wrt))
    event("refused: a rebound module constant")
    return True


def reads_rebound_constant(program: Program) -> bool:
    """Do ``f`` or the helpers it calls read ``GAIN`` (which the module rebinds)?"""
    if program.first_literal_text is None:
        return False
    functions = {
        n.name: n
        for n in ast.parse(program.text).body
        if isinstance(n, ast.FunctionDef)
    }
    todo, seen = ["f"], set()
    while todo:
        fn = functions[todo.pop()]
        seen.add(fn.name)
        for node in ast.walk(fn):
            if isinstance(node, ast.Name) and node.id == "GAIN":
                return True
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if called and node.func.id in functions and node.func.id not in seen:
                todo.append(node.func.id)
    return False


def test_compilation_is_deterministic_across_processes(tmp_path):
    """Property 3 across processes: another PYTHONHASHSEED gives the same bytes."""
    texts: list[str] = []

    @settings(FUZZ, max_examples=min(EXAMPLES, 25))
    @given(programs())
    def collect(program):
        texts.append(program.text)

    collect()
    expected = [compiled_or_refused(t) for t in texts]
    folder = tmp_path / "programs"
    folder.mkdir()
    for i, t in enumerate(texts):
        (folder / f"p{i:03d}.py").write_text(t)
    script = (
        "import ast, sys, pathlib\n"
        "from adgen.errors import AdgenError, SourceFile\n"
        "from adgen.pipeline import compile_source\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.py')):\n"
        "    t = p.read_text()\n"
        "    f = [n for n in ast.parse(t).body if getattr(n, 'name', '') == 'f'][0]\n"
        "    wrt = [a.arg for a in f.args.args]\n"
        "    try:\n"
        "        out = compile_source(SourceFile('fuzz.py', t), ['f'], wrt, mode='both')\n"
        "    except AdgenError as refusal:\n"
        "        out = str(refusal)\n"
        "    (p.parent / (p.stem + '.out')).write_text(out)\n"
    )
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", script, str(folder)],
            check=True,
            env=env,
            timeout=300,
        )
        for i, code in enumerate(expected):
            assert (folder / f"p{i:03d}.out").read_text() == code, texts[i]


# ---------------------------------------------------------------------------
# regressions: shrunk failing programs, kept as plain model files
# ---------------------------------------------------------------------------
def compiled_or_refused(text: str) -> str:
    """The generated code, or the refusal's message (as reproducible)."""
    try:
        return compile_program(text, _params(text))
    except AdgenError as refusal:
        return str(refusal)


def _params(text: str) -> list[str]:
    tree = ast.parse(text)
    f = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "f")
    return [a.arg for a in f.args.args]


def read_regression(path: Path) -> tuple[str, list, list[str], str]:
    """A regression file: its text, the arguments from its ``# point: {...}`` line
    (arrays of the dtype its ``# check:`` line implies), the wrt, and the check."""
    text = path.read_text()
    header = {}
    for ln in text.splitlines():
        if ln.startswith("# point:") or ln.startswith("# check:"):
            key, _, rest = ln[2:].partition(":")
            header[key] = rest.strip()
    point = ast.literal_eval(header["point"])
    check = header.get("check", "gradients")
    dtype = np.float32 if check == "float32" else np.float64
    params = _params(text)
    args = [
        float(point[p]) if np.ndim(point[p]) == 0 else np.array(point[p], dtype=dtype)
        for p in params
    ]
    return text, args, params, check


def save_regression(
    program: Program, name: str, why: str, check: str = "gradients", refusal: str = ""
) -> Path:
    """Write ``program`` as ``tests/fuzz_regressions/NNN_<name>.py``; ``refusal``
    ("MutationNotSupported: `b += ...` would ...") for a refuse_or_correct one
    that adgen refuses."""
    REGRESSIONS.mkdir(exist_ok=True)
    number = len(list(REGRESSIONS.glob("[0-9][0-9][0-9]_*.py"))) + 1
    path = REGRESSIONS / f"{number:03d}_{name}.py"
    why = "\n".join(f"# {ln}" for ln in why.splitlines())
    header = f"{why}\n# point: {program.point!r}\n# check: {check}\n"
    header += f"# refusal: {refusal}\n" if refusal else ""
    path.write_text(header + program.text)
    return path


def expected_refusal(text: str) -> tuple[str, str] | None:
    """The ``# refusal: Class: message fragment`` line of a regression, if any."""
    for ln in text.splitlines():
        if ln.startswith("# refusal:"):
            error, _, fragment = ln.removeprefix("# refusal:").strip().partition(": ")
            return error, fragment
    return None


def assert_refused(text: str, params: list[str], error: str, fragment: str) -> None:
    """adgen must refuse the program with this error class and message: another
    refusal (a check that fires for the wrong reason, an unrelated error that
    stops the compile first) fails, and so does a program that now compiles."""
    try:
        compile_program(text, params)
    except AdgenError as refusal:
        got = f"{type(refusal).__name__}: {refusal.message}"
        assert (
            type(refusal).__name__ == error and fragment in refusal.message
        ), f"refused for another reason:\n  expected {error}: {fragment}\n  got      {got}"
        return
    pytest.fail(
        f"compiled, but expected the refusal {error}: {fragment}; if adgen now "
        "accepts this program on purpose, delete its `# refusal:` line, so that "
        "its gradients are checked instead"
    )


# float32 gaps that are not fixed yet: each is a strict xfail, so the test fails
# the day its rule is fixed and the entry must go.  (007-015, found by fuzzing,
# are fixed; these two were found by hand.)
FLOAT32_GAPS = {
    "016_float32_scalar_mask_into_dot": "the seed 1.0 times a kink's mask is float64",
    "017_float32_pow_python_float_base": "np.log/np.where of a Python-float base is float64",
}


# Programs adgen accepts and miscomputes or crashes on, not fixed yet (each file's
# header has the diagnosis).  Once, in-place updates inside a loop (018-021, now
# refused), and a module list constant where numpy reads an array (034, 035, now
# read as numpy does in the rules).
OPEN_BUGS: dict[str, str] = {}  # regression stem -> the wrong result it still gives


def _regression_params() -> list:
    params = []
    for path in sorted(REGRESSIONS.glob("*.py")):
        gap = FLOAT32_GAPS.get(path.stem)
        bug = OPEN_BUGS.get(path.stem)
        marks = []
        if gap:
            marks = [pytest.mark.xfail(strict=True, reason=f"known float32 gap: {gap}")]
        elif bug:
            marks = [pytest.mark.xfail(strict=True, reason=f"open bug: {bug}")]
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


@pytest.mark.parametrize("path", _regression_params())
def test_regression(path: Path):
    """Each saved program passes the check its ``# check:`` line names:
    ``gradients`` (properties 1-2), ``float32`` (property 4), or
    ``refuse_or_correct``: refused as its ``# refusal:`` line says, or, without
    one, right (properties 1-2)."""
    text, args, params, check = read_regression(path)
    if check == "float32":
        check_float32(text, args, params, fuzzing=False)
        return
    refusal = expected_refusal(text)
    assert (
        refusal is None or check == "refuse_or_correct"
    ), "# refusal: needs that check"
    if refusal is not None:
        assert_refused(text, params, *refusal)
        return
    check_gradients(text, args, params, fuzzing=False)
