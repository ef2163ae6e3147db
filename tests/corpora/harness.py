"""Run adgen on every function of a ported corpus and classify what it does.

For each function and argument set, in reverse mode and in forward mode, both
through the runtime API (``adgen.grad``, ``mode="forward"``) and through the CLI
(``adgen compile`` of the whole model file into a folder, then the generated
``grad_<f>``/``jvp_<f>``, given the model module's values of the module
variables they take as keyword-only parameters), the outcome is one of:

    PASS     the gradient agrees with autograd's (or with central differences
             where autograd cannot trace the code)
    REFUSED  adgen raised an AdgenError with a location (file:line:col)
    WRONG    a value that disagrees with the reference
    CRASH    any other exception, an AdgenError without a location, or a
             function adgen accepted that no oracle can check

A function's outcome in a mode is the worst over its argument sets and the two
paths.  Each model file is compiled once, in both modes (the functions the API
accepted); where the CLI refuses one, once per mode, the refused function
dropped and the rest compiled again.  Where the refusal asks for what only the
arguments tell (its hint names ``--like``: a list parameter that
``np.concatenate`` joins), the harness does what the hint says, as a user
would: it compiles the function alone with ``--like`` the kinds of each
case's arguments, and judges that (the report counts these apart).
"""

from __future__ import annotations

import ast
import copy
import importlib
import importlib.util
import inspect
import re
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import adgen
from adgen.errors import AdgenError
from adgen.like import like_of, like_text

from . import reference

PASS, REFUSED, WRONG, CRASH = "PASS", "REFUSED", "WRONG", "CRASH"
SEVERITY = {PASS: 0, REFUSED: 1, WRONG: 2, CRASH: 3}
MODES = ("reverse", "forward")
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Case:
    """One argument set of a corpus function; ``wrt``: the positions differentiated."""

    args: tuple
    wrt: tuple[int, ...]


@dataclass
class Outcome:
    """What adgen did for one function in one mode (the worst over its cases and paths)."""

    function: str
    mode: str
    outcome: str = PASS
    detail: str = ""  # the located message, the disagreement, or the traceback
    error_class: str = ""
    oracles: set[str] = field(default_factory=set)  # what the passing cases agreed with
    with_like: bool = False  # the CLI path compiled with --like, as its refusal asked

    def worsen(self, outcome: str, detail: str, error_class: str = "") -> None:
        if SEVERITY[outcome] > SEVERITY[self.outcome]:
            self.outcome, self.detail, self.error_class = outcome, detail, error_class


@dataclass
class Corpus:
    """A ported corpus: its model module, where it came from, and its cases."""

    name: str
    module: str  # the model module's name in this package
    source: str  # the peer's repository and path
    cases: dict[str, list[Case]] = field(default_factory=dict)
    helpers: tuple[
        str, ...
    ] = ()  # the harness's own functions (to_scalar): not measured

    @property
    def path(self) -> Path:
        return Path(__file__).with_name(f"{self.module}.py")

    def load(self) -> Any:
        return importlib.import_module(f"{__package__}.{self.module}")

    def functions(self) -> list[str]:
        """The model module's top-level functions, in file order."""
        tree = ast.parse(self.path.read_text())
        return [
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef) and n.name not in self.helpers
        ]


def classify_error(error: BaseException) -> tuple[str, str, str]:
    """(outcome, detail, error class) of an exception adgen raised."""
    if isinstance(error, AdgenError):
        loc = error.location
        if loc is not None and loc.line > 0:
            return REFUSED, str(error), type(error).__name__
        return CRASH, f"unlocated {type(error).__name__}: {error}", type(error).__name__
    trace = "".join(traceback.format_exception(error)[-6:])
    return CRASH, f"{type(error).__name__}: {error}\n{trace}", type(error).__name__


def fresh(args: tuple) -> tuple:
    """A deep copy: a model may write into its arguments (tangent's test_subscript2)."""
    return copy.deepcopy(args)


def pick(gradients: Any, count: int, positions: tuple[int, ...]) -> list[Any]:
    """The gradients of ``positions`` out of a generated function's gradient of all
    ``count`` parameters (a single value when there is one parameter)."""
    every = (gradients,) if count == 1 else tuple(gradients)
    return [every[p] for p in positions]


def direction(args: tuple, wrt: tuple[int, ...], seed: int) -> list[Any]:
    """A fixed random tangent for each argument (zero for those not differentiated)."""
    rng = np.random.default_rng(seed)
    out = []
    for position, value in enumerate(args):
        vector = reference.flat(value)
        moved = rng.standard_normal(vector.size) if position in wrt else 0 * vector
        out.append(reference.with_flat(value, moved) if _numeric(value) else value)
    return out


def _numeric(value: Any) -> bool:
    return all(
        isinstance(leaf, (float, int, np.ndarray, np.floating, np.integer))
        for leaf in reference.leaves(value)
    )


def expected_gradient(f: Any, twin: Any, case: Case) -> tuple[list[Any], str] | str:
    """The reference gradient and its oracle, or why there is none."""
    try:
        return reference.reference_gradient(f, twin, fresh(case.args), case.wrt)
    except Exception as error:
        return f"no oracle: {type(error).__name__}: {error}"


def judge(result: Outcome, run: Any, expected: tuple[list[Any], str] | str) -> None:
    """Call ``run()`` (adgen's gradients, a list) and fold the verdict into ``result``."""
    try:
        with np.errstate(all="ignore"):
            got = run()
    except Exception as error:
        result.worsen(*classify_error(error))
        return
    if isinstance(expected, str):
        result.worsen(CRASH, f"adgen returned {got!r}, but {expected}")
        return
    gradients, oracle = expected
    if not reference.agrees(got, gradients, oracle):
        result.worsen(WRONG, f"got {got!r}, expected {gradients!r} ({oracle})")
    else:
        result.oracles.add(oracle)


def api_gradient(f: Any, wrt: tuple[int, ...], mode: str) -> Any:
    """``adgen.grad`` of ``f`` (compiled here, once per function, mode and wrt), or the
    exception compiling it raised."""
    try:
        return adgen.grad(f, wrt=wrt, mode=mode)
    except Exception as error:
        return error


def module_values(generated_f: Any, model: Any) -> dict[str, Any]:
    """The keyword-only parameters of a generated function (the module variables
    computed when the file runs that the model reads), given the model module's
    live values, as the generated docstring says to pass them."""
    return {
        p.name: getattr(model, p.name)
        for p in inspect.signature(generated_f).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def cli_run(generated: Any, name: str, case: Case, mode: str, model: Any) -> Any:
    count = len(case.args)
    if mode == "reverse":
        grad_f = getattr(generated, f"grad_{name}")
        given = module_values(grad_f, model)
        return lambda: pick(grad_f(*fresh(case.args), **given), count, case.wrt)
    jvp_f = getattr(generated, f"jvp_{name}")
    given = module_values(jvp_f, model)
    tangents = direction(case.args, case.wrt, seed=len(name))

    def along() -> list[Any]:
        _, out_dot = jvp_f(*fresh(case.args), *tangents, **given)
        return [out_dot]

    return along


def measure(corpus: Corpus, workdir: Path) -> dict[str, dict[str, Outcome]]:
    """Every function's outcome in each mode: {function: {mode: Outcome}}."""
    module = corpus.load()
    twins = reference.autograd_twin(module) if reference.autograd is not None else {}
    names = corpus.functions()
    results = {n: {m: Outcome(n, m) for m in MODES} for n in names}
    answers: dict[tuple[str, int], Any] = {}

    def expected(name: str, k: int) -> Any:
        if (name, k) not in answers:  # computed once, only for what adgen accepted
            f, case = getattr(module, name), corpus.cases[name][k]
            answers[name, k] = expected_gradient(f, twins.get(name), case)
        return answers[name, k]

    for name in names:
        for mode in MODES:
            measure_api(results[name][mode], getattr(module, name), corpus, expected)
    accepted = {
        m: [n for n in names if results[n][m].outcome in (PASS, WRONG)] for m in MODES
    }
    for mode, (generated, refused) in compile_modes(corpus, accepted, workdir).items():
        for name in accepted[mode]:
            if name in refused and asks_for_like(refused[name]):
                follow_hint(results[name][mode], corpus, module, expected, workdir)
                continue
            if name in refused:
                results[name][mode].worsen(*refused[name])
                continue
            for k, case in enumerate(corpus.cases[name]):
                answer = expected(name, k)
                judge_cli(
                    results[name][mode], generated, name, case, mode, answer, module
                )
    return results


def asks_for_like(refusal: tuple[str, str, str]) -> bool:
    """Whether the CLI refused for a structure only the arguments tell (a list
    parameter ``np.concatenate`` joins), its hint naming ``--like``."""
    outcome, message, _ = refusal
    return outcome == REFUSED and "--like" in message


def follow_hint(
    result: Outcome, corpus: Corpus, module: Any, expected: Any, workdir: Path
) -> None:
    """What a user who follows the refusal's hint gets: the function compiled
    alone with ``--like`` the kinds of each case's arguments, and run on them."""
    name, mode = result.function, result.mode
    params = list(inspect.signature(getattr(module, name)).parameters)
    for k, case in enumerate(corpus.cases[name]):
        kinds = {p: like_of(a) for p, a in zip(params, case.args, strict=False)}
        like = like_text({p: v for p, v in kinds.items() if v is not None})
        folder = workdir / f"like_{name}_{k}"
        status, message = run_cli(corpus, [name], mode, folder, ["--like", like])
        if status != 0:
            located = status == 2 and _LOCATED.search(message)
            result.worsen(REFUSED if located else CRASH, message.strip(), "cli")
            continue
        generated = load(folder / mode / f"{corpus.path.stem}_grad.py", f"{mode}_{k}")
        judge_cli(result, generated, name, case, mode, expected(name, k), module)
        result.with_like = True  # counted apart where it passes


def measure_api(result: Outcome, f: Any, corpus: Corpus, expected: Any) -> None:
    """The runtime API's verdict on every case of ``f`` in ``result.mode``."""
    made: dict[tuple[int, ...], Any] = {}
    for k, case in enumerate(corpus.cases[result.function]):
        if case.wrt not in made:
            made[case.wrt] = api_gradient(f, case.wrt, result.mode)
        gradient = made[case.wrt]
        if isinstance(gradient, Exception):
            result.worsen(*classify_error(gradient))
            continue
        run = lambda g=gradient, c=case: list(g(*fresh(c.args)))  # noqa: E731
        judge(result, run, expected(result.function, k))


def judge_cli(
    result: Outcome,
    generated: Any,
    name: str,
    case: Case,
    mode: str,
    answer: Any,
    model: Any,
) -> None:
    if mode == "forward" and not isinstance(answer, str):
        gradients, oracle = answer
        tangents = direction(case.args, case.wrt, seed=len(name))
        slope = sum(
            float(reference.flat(g) @ reference.flat(tangents[p]))
            for g, p in zip(gradients, case.wrt, strict=True)
        )
        answer = ([slope], oracle)
    judge(result, cli_run(generated, name, case, mode, model), answer)


def compile_modes(
    corpus: Corpus, accepted: dict[str, list[str]], workdir: Path
) -> dict[str, tuple[Any, dict[str, tuple[str, str, str]]]]:
    """Per mode, the generated module and the CLI's refusals: one ``--mode both``
    compile when both modes accepted the same functions and the CLI takes them all,
    else one compile per mode (which tells which mode the CLI refuses in)."""
    if accepted["reverse"] == accepted["forward"] and accepted["reverse"]:
        status, _ = run_cli(corpus, accepted["reverse"], "both", workdir)
        if status == 0:
            generated = load(workdir / "both" / f"{corpus.path.stem}_grad.py", "both")
            return {mode: (generated, {}) for mode in MODES}
    return {m: compile_module(corpus, accepted[m], m, workdir) for m in MODES}


_LOCATED = re.compile(r"^(?P<path>[^\n:]+):(?P<line>\d+):(?P<col>\d+): error: ", re.M)


def compile_module(
    corpus: Corpus, names: list[str], mode: str, workdir: Path
) -> tuple[Any, dict[str, tuple[str, str, str]]]:
    """``adgen compile`` of ``names`` in the model file, in ``mode``; the generated module
    and the functions the CLI refused (or crashed on) with their verdicts.  A refused
    function is dropped and the rest compiled again; a failure no function can be
    blamed for is attributed by compiling the functions one at a time."""
    refused: dict[str, tuple[str, str, str]] = {}
    remaining = list(names)
    while remaining:
        status, message = run_cli(corpus, remaining, mode, workdir)
        if status == 0:
            return load(workdir / mode / f"{corpus.path.stem}_grad.py", mode), refused
        blamed = blame(corpus, message) if status == 2 else None
        if blamed is None or blamed not in remaining:
            return one_at_a_time(corpus, remaining, mode, workdir, refused)
        refused[blamed] = (REFUSED, message.strip(), "cli")
        remaining.remove(blamed)
    return None, refused


def one_at_a_time(
    corpus: Corpus,
    names: list[str],
    mode: str,
    workdir: Path,
    refused: dict[str, tuple[str, str, str]],
) -> tuple[Any, dict[str, tuple[str, str, str]]]:
    """Attribute a failure of the whole-file compile: each function alone."""
    good = []
    for name in names:
        status, message = run_cli(corpus, [name], mode, workdir)
        if status == 0:
            good.append(name)
        elif status == 2 and _LOCATED.search(message):
            refused[name] = (REFUSED, message.strip(), "cli")
        else:
            refused[name] = (CRASH, f"adgen compile exit {status}: {message}", "cli")
    if not good:
        return None, refused
    status, message = run_cli(corpus, good, mode, workdir)
    assert status == 0, message
    return load(workdir / mode / f"{corpus.path.stem}_grad.py", mode), refused


def run_cli(
    corpus: Corpus,
    names: list[str],
    mode: str,
    workdir: Path,
    options: list[str] | None = None,
) -> tuple[int, str]:
    target = f"{corpus.path.relative_to(ROOT).as_posix()}:{','.join(names)}"
    command = [sys.executable, "-m", "adgen", "compile", target, *(options or [])]
    command += ["-o", str(workdir / mode), "--mode", mode]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    return done.returncode, done.stderr


def blame(corpus: Corpus, message: str) -> str | None:
    """The function whose lines hold the error's location, if any."""
    found = _LOCATED.search(message)
    if found is None:
        return None
    line = int(found["line"])
    tree = ast.parse(corpus.path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.lineno <= line <= node.end_lineno:
            return node.name
    return None


def load(path: Path, mode: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"corpus_{mode}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
