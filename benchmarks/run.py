"""Time adgen's generated gradients against hand-written numpy backprop and the peers, in one process.

    python benchmarks/run.py            # median of many interleaved runs, one thread
    python benchmarks/run.py --quick    # fewer runs (about a minute)

Workloads: the lecture's f(x1, x2) = ln x1 + x1*x2 - sin x2 (gradient, and value
and gradient), lab 7's 2-3-1 ReLU network with MSE over 441 points (vectorized,
and in the lab's scalar style), and a 784-256-256-10 ReLU MLP with softmax
cross-entropy, batch 128, float64.  Implementations: adgen's ``grad_f``,
hand-written numpy backprop (benchmarks/hand.py) and each installed peer
(autograd, torch CPU, jax with jit, tangent; install them with
``pip install -e '.[bench]'``; a missing one is skipped with a note).

Every gradient is checked against the hand-written one before anything is
timed; a disagreement stops the run.  Functions are timed in alternation, many
rounds, and the median kept, so drift in a shared machine hits all alike.
Columns: median µs per call; the ratio to hand-written numpy and the gradient's
cost over its own forward pass (for adgen: the user's function), each the
median over rounds of the ratio of two samples taken in the same round.
Then adgen's compile time per model, and the peak extra memory of the MLP and
of a 50-step recurrent network (rnn_memory.py).

"As written" (as_written.py): the same workloads on models without
annotations (no ``x: float``, ``@shapes``, ``@wrt``), through adgen's
compiled file and through the runtime API, as ratios to hand-written numpy in
the same rounds.  Then the compile time of straight-line programs of 100,
1000 and 3000 statements (``--quick``: 100 and 300), in memory
(``compile_source`` unformatted, what ``adgen.grad`` does) and from the
command line (``adgen compile``, process start included).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads: one thread, as the issue measures

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import as_written
import peers
import rnn_memory
import workloads

HAND, ADGEN = (
    "hand-written numpy",
    "adgen",
)  # adgen: grad_f (value_and_grad_f for value+grad), called directly like the others


class Disagreement(SystemExit):
    """A gradient differs from the hand-written one: timing it would mean nothing."""


# --- checking ------------------------------------------------------------------
def flat(value) -> list[np.ndarray]:
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in flat(v)]
    return [np.asarray(value, dtype=np.float64)]


def check_agrees(who: str, workload: str, got, expected) -> None:
    got, expected = flat(got), flat(expected)
    if len(got) != len(expected):
        raise Disagreement(
            f"ABORT: {who} on {workload} returned {len(got)} values, hand-written {len(expected)}"
        )
    for i, (a, b) in enumerate(zip(got, expected, strict=True)):
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-9, atol=1e-12):
            worst = np.max(np.abs(a - b)) if a.shape == b.shape else "shape"
            raise Disagreement(
                f"ABORT: {who}'s gradient on {workload} differs from hand-written numpy "
                f"in output {i} (shapes {a.shape} vs {b.shape}, max difference {worst})"
            )


# --- timing --------------------------------------------------------------------
def interleaved_samples(
    fns: list[Callable[[], object]], rounds: int, sample_s: float
) -> list[list[float]]:
    """Seconds per call of each function, one sample per round, the functions run in
    alternation (the starting one rotates each round) so that drift in the
    machine's speed hits all alike; ``samples[k][r]`` is function k in round r."""
    loops = [max(1, int(sample_s / max(_once(fn), 1e-9))) for fn in fns]
    samples: list[list[float]] = [[] for _ in fns]
    for r in range(rounds):
        order = list(range(len(fns)))
        order = order[r % len(fns) :] + order[: r % len(fns)]
        for k in order:
            fn, n = fns[k], loops[k]
            began = time.perf_counter()
            for _ in range(n):
                fn()
            samples[k].append((time.perf_counter() - began) / n)
    return samples


def median_ratio(a: list[float], b: list[float]) -> float:
    """The median over rounds of a/b, each pair measured in the same round: steadier
    on a shared machine than a ratio of medians taken over different moments."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def _once(fn: Callable[[], object]) -> float:
    fn()  # warm up (jit compiles here)
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best


# --- one workload ---------------------------------------------------------------
def contenders(w: workloads.Workload, available: list[peers.Peer], notes: list[str]):
    """(name, gradient, forward) for hand-written, adgen and each peer, all checked."""
    expected = w.hand(*w.args)
    rows = [
        (HAND, lambda: w.hand(*w.args), lambda: w.hand_forward(*w.args)),
        (ADGEN, lambda: w.adgen(*w.args), lambda: w.adgen_forward(*w.args)),
    ]
    check_agrees(ADGEN, w.title, w.adgen(*w.args), expected)
    for peer in available:
        try:
            prepared = peer.prepare(w.model, w.args, w.wrt, w.with_value)
            got = peer.to_numpy(prepared.grad())
        except Exception as failed:  # a peer that cannot run this model: say so, go on
            notes.append(
                f"{peer.name} on {w.title}: {type(failed).__name__}: {failed}; skipped"
            )
            continue
        check_agrees(peer.name, w.title, got, expected)
        rows.append((peer.name, prepared.grad, prepared.forward))
    return rows


def measure(
    w, available, notes, rounds, sample_s
) -> list[tuple[str, float, float, float]]:
    """(name, median µs, × hand-written, gradient / own forward) for each contender."""
    rows = contenders(w, available, notes)
    fns = [g for _, g, _ in rows] + [f for _, _, f in rows]
    samples = interleaved_samples(fns, rounds, sample_s)
    n = len(rows)
    return [
        (
            name,
            statistics.median(samples[i]) * 1e6,
            median_ratio(samples[i], samples[0]),
            median_ratio(samples[i], samples[n + i]),
        )
        for i, (name, _, _) in enumerate(rows)
    ]


def print_workload(title: str, results: list[tuple[str, float, float, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'implementation':20} {'µs':>10} {'× hand':>8} {'grad/forward':>13}")
    for name, us, ratio, cost in results:
        print(f"  {name:20} {us:10.2f} {ratio:8.2f} {cost:13.2f}")


def print_summary(all_results: dict[str, list], names: list[str]) -> None:
    """The issue's table: one row per workload, ratio to hand-written per implementation."""
    print(
        "\nSummary: time as a multiple of hand-written numpy's in the same round, median"
        " (hand-written's median time in brackets)"
    )
    head = f"{'workload':38} {'hand-written':>16}" + "".join(
        f" {n:>13}" for n in names[1:]
    )
    print(head)
    for title, results in all_results.items():
        by_name = {name: ratio for name, _, ratio, _ in results}
        hand_us = results[0][1]
        cells = [f"{'1.00 (' + _us(hand_us) + ')':>16}"]
        cells += [
            f" {by_name[n]:13.2f}" if n in by_name else f" {'-':>13}" for n in names[1:]
        ]
        print(f"{title:38} " + "".join(cells))


def _us(us: float) -> str:
    return f"{us:.2f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


# --- as written ------------------------------------------------------------------
def print_as_written(rounds: int, sample_s: float) -> None:
    """Unannotated models: compiled file and runtime API, as multiples of hand-written."""
    print(
        "\nAs written (no annotations): time as a multiple of hand-written numpy's in"
        " the same round, median"
    )
    print(
        f"  {'workload':34} {'hand-written':>14} {'compiled file':>14}"
        f" {'file, --like':>13} {'adgen API':>10}"
    )
    for w in as_written.build():
        expected = w.hand(*w.args)
        check_agrees("adgen's compiled file", w.title, w.compiled(*w.args), expected)
        check_agrees("--like", w.title, w.compiled_like(*w.args), expected)
        check_agrees("the adgen API", w.title, w.api(*w.args), expected)
        timed = (w.hand, w.compiled, w.compiled_like, w.api)
        fns = [lambda w=w, g=g: g(*w.args) for g in timed]
        samples = interleaved_samples(fns, rounds, sample_s)
        hand_us = statistics.median(samples[0]) * 1e6
        r = [median_ratio(samples[k], samples[0]) for k in (1, 2, 3)]
        print(
            f"  {w.title:34} {_us(hand_us):>14} {r[0]:14.2f} {r[1]:13.2f} {r[2]:10.2f}"
        )


def print_compile_times(sizes: tuple[int, ...]) -> None:
    """Straight-line programs: in-memory compile and `adgen compile`, seconds of wall
    and of CPU time (on a shared machine the CPU time is the steadier)."""
    print("\nCompile time, straight-line programs (3 numpy operations a statement):")
    print(
        f"  {'statements':>10} {'in memory, wall/CPU':>22} {'adgen compile, wall/CPU':>26}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            path = Path(folder) / f"straight{n}.py"
            path.write_text(as_written.straight_line(n))
            memory, cli = _in_memory_s(path), _cli_s(path, folder)
            print(
                f"  {n:10d} {memory[0]:12.2f}s /{memory[1]:6.2f}s"
                f" {cli[0]:16.2f}s /{cli[1]:6.2f}s"
            )


def _in_memory_s(path: Path) -> tuple[float, float]:
    """``compile_source(..., formatted=False)`` in a fresh process, adgen imported."""
    code = (
        "import sys, time; from adgen.parse import read_source; "
        "from adgen.pipeline import compile_source; s = read_source(sys.argv[1]); "
        "t, c = time.perf_counter(), time.process_time(); "
        "compile_source(s, formatted=False); "
        "print(time.perf_counter() - t, time.process_time() - c)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    )
    wall, cpu = done.stdout.split()[-2:]
    return float(wall), float(cpu)


def _cli_s(path: Path, folder: str) -> tuple[float, float]:
    """`adgen compile` in a new process: wall and CPU time, process start included."""
    command = [sys.executable, "-m", "adgen", "compile", str(path), "-o", folder]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=_env())
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


# --- compile time ----------------------------------------------------------------
def cold_compile_ms(path: Path, function: str) -> float:
    """Wall time of `python -m adgen compile model.py:f` in a fresh process (start-up included)."""
    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable,
            "-m",
            "adgen",
            "compile",
            f"{path}:{function}",
            "-o",
            out,
        ]
        began = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=_env())
        return (time.perf_counter() - began) * 1e3


def first_call_ms(key: str) -> float:
    """``adgen.grad(f)(*args)``'s first call (compiles in memory), in a fresh process
    where adgen is already imported: what a notebook user waits."""
    command = [sys.executable, str(Path(__file__).resolve()), "--first-call", key]
    done = subprocess.run(
        command, check=True, capture_output=True, text=True, env=_env()
    )
    return float(done.stdout.split()[-1])


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def time_first_call(key: str) -> None:
    import adgen

    f, args = workloads.USER_FUNCTIONS[key], workloads.arguments(key)
    began = time.perf_counter()
    adgen.grad(f, wrt=workloads.WRT[key])(*args)
    print(f"{(time.perf_counter() - began) * 1e3:.1f}")


# --- memory ----------------------------------------------------------------------
peak_extra_mb = rnn_memory.peak_extra_mb


def print_memory(w: workloads.Workload) -> None:
    print(f"\nPeak extra memory, {w.title} (tracemalloc; arrays the call allocates):")
    pairs = [
        (ADGEN, w.adgen, w.adgen_forward),
        (HAND, w.hand, w.hand_forward),
    ]
    for name, grad, forward in pairs:
        g = peak_extra_mb(lambda grad=grad: grad(*w.args))
        f = peak_extra_mb(lambda forward=forward: forward(*w.args))
        print(
            f"  {name:20} gradient {g:7.2f} MiB   forward {f:7.2f} MiB   ratio {g / f:5.2f}"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--first-call", metavar="WORKLOAD", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.first_call:
        return time_first_call(args.first_call)
    rounds, sample_s = (15, 0.002) if args.quick else (61, 0.003)

    available, notes = peers.available()
    print(
        f"Python {sys.version.split()[0]}, numpy {np.__version__}, one thread; "
        f"{rounds} interleaved rounds, median"
    )
    for note in notes:
        print(f"note: {note}")
    all_workloads = workloads.build()
    results = {}
    for w in all_workloads:
        results[w.title] = measure(w, available, notes, rounds, sample_s)
        print_workload(w.title, results[w.title])
    print_summary(results, [HAND, ADGEN, *(p.name for p in available)])

    print("\nadgen compile time per model:")
    print(f"  {'model':34} {'cold `adgen compile`':>22} {'adgen.grad first call':>22}")
    for key, (path, function) in workloads.SOURCES.items():
        cold = cold_compile_ms(path, function)
        first = first_call_ms(key)
        shown = f"{path.relative_to(ROOT).as_posix()}:{function}"
        print(f"  {shown:34} {cold:19.0f} ms {first:19.0f} ms")
    print_memory(next(w for w in all_workloads if w.key == "mlp"))
    rnn_memory.print_memory()
    print_as_written(rounds, sample_s)
    print_compile_times((100, 300) if args.quick else (100, 1000, 3000))
    late = [n for n in notes if " on " in n]
    for note in late:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
