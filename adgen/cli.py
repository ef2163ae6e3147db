"""The ``adgen`` command line.

    adgen compile PATH[:FUNC,...]... [-o DIR] [--wrt NAMES] [--mode reverse|forward|both]
                  [--like ARGS] [--check] [--diff] [--dump STAGE]

    adgen graph PATH[:FUNC] [-o FILE.png|.svg|.pdf|.dot]
    adgen trace PATH[:FUNC] --at x1=2,x2=5 [--seed x1]
    adgen check PATH[:FUNC] --at x1=2,x2=5

Exit status: 0 success; 1 ``--check`` found a stale or missing generated file,
or ``adgen check`` found a disagreement; 2 a mistake in the input or the
command (one located message, no traceback); 3 ``adgen check`` was
inconclusive (no reference to trust at that point: see gradcheck.py); 141 the reader of stdout went away
(``adgen trace ... | head``): the rest of the output is dropped silently, and the
status is the 128 + SIGPIPE a shell reports for any tool stopped that way.
"""

from __future__ import annotations

import argparse
import difflib
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .emit import Provenance
from .errors import AdgenError, NoFunction, SourceFile, UsageError
from .gradcheck import check_at, disagreement, grad_function, overall_verdict, report
from .graph import Graph
from .like import parse_like
from .optimize.array_api import TARGETS
from .parse import read_source
from .pipeline import (
    MODES,
    MODULE_VARIABLES,
    STAGES,
    Stages,
    display_path,
    dump,
    run,
    source_hash,
)
from .testing import AGREE, DISAGREE, INCONCLUSIVE
from .trace import (
    adjoint_trace,
    number,
    parse_point,
    primal_trace,
    require_straight_line,
    table,
    tangent_trace,
)

EXIT_OK, EXIT_STALE, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE if hasattr(signal, "SIGPIPE") else 141

EXAMPLES = """examples:
  adgen compile model.py                  write generated/model_grad.py
  adgen compile model.py:loss --wrt w,b   one function, two parameters
  adgen compile --mode forward model.py   jvp_ functions (forward mode) instead
  adgen compile model.py --like x1=2.0,x2=5.0   for Python floats (the float path)
  adgen compile model.py --like 'X=f64[441,2]'  for an array of that shape
  adgen compile --check model.py          exit 1 if generated/ is stale
  adgen compile --dump normalize model.py one primitive per line
  adgen graph model.py:f -o graph.png     the computation graph
  adgen trace model.py:f --at x1=2,x2=5   the lecture's three tables
  adgen check model.py:f --at x1=2,x2=5   adgen vs finite differences vs SymPy

exit status: 0 done, 1 stale or disagreeing, 2 an error in the input or command,
  3 `adgen check` inconclusive at that point, 141 stdout closed early (| head)"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        _refuse_dash(args)
        status = args.handler(args)
        sys.stdout.flush()  # here, so that a closed pipe is caught below, not at exit
        return status
    except AdgenError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_BROKEN_PIPE


def _drop_stdout() -> None:
    """The reader left (``| head``): point stdout at devnull, so that the
    interpreter's final flush of what is still buffered fails no more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass


def _refuse_dash(args: argparse.Namespace) -> None:
    """``-`` is not a file: a model must be a path (its generated file names it and
    checks it for staleness), and ``compile -o`` takes a folder."""
    targets = getattr(args, "paths", None) or [getattr(args, "target", "")]
    if "-" in (_split_target(t)[0] for t in targets):
        raise UsageError(
            "adgen reads a model from a file, not from stdin (`-`)",
            hint="save the model as a .py file and pass its path",
        )
    if args.command == "compile" and args.output == "-":
        raise UsageError(
            "`-o` takes a folder for the generated files; `-` (stdout) is not one",
            hint="print the generated module with `adgen compile --dump format MODEL`",
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adgen",
        description="Source-to-source automatic differentiation: readable gradient code for Python/numpy.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("--version", action="version", version=f"adgen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_compile, _add_graph, _add_trace, _add_check):
        add(commands)
    return parser


def _add_compile(commands: argparse._SubParsersAction) -> None:
    c = commands.add_parser(
        "compile",
        help="write forward_/backward_/grad_ functions for each function of a model file",
        description="Read each model file with `ast` (never running it); write <stem>_grad.py into the output folder.",
    )
    c.add_argument(
        "paths",
        nargs="+",
        metavar="PATH[:FUNC,...]",
        help="model file, optionally the functions to compile",
    )
    c.add_argument(
        "-o",
        "--output",
        default="generated",
        metavar="DIR",
        help="folder for generated files (default: generated)",
    )
    c.add_argument(
        "--wrt",
        metavar="NAMES",
        help="comma-separated parameters to differentiate (default: @adgen.wrt, else all)",
    )
    c.add_argument(
        "--mode",
        choices=tuple(MODES),
        default="reverse",
        help="reverse: forward_/backward_/grad_ (default); forward: jvp_ only; both: all",
    )
    c.add_argument(
        "--target",
        choices=TARGETS,
        default="numpy",
        help="numpy (default), or array-api: code for any array API library (torch, CuPy, dask, ...)",
    )
    c.add_argument(
        "--standalone",
        action="store_true",
        help="copy the runtime helpers the code uses into the file, so that it runs without adgen (numpy, and scipy where the model uses it)",
    )
    c.add_argument(
        "--like",
        metavar="ARGS",
        help="compile for these arguments, as if declared: x1=2.0 or x1=float (a "
        "Python float), n=int, X=f64[441,2] (an array of that shape), s=f64[] (a "
        "numpy scalar); the code checks its arguments are of that kind",
    )
    c.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a generated file is stale or missing",
    )
    c.add_argument(
        "--diff",
        action="store_true",
        help="write nothing; print how generated files would change",
    )
    c.add_argument(
        "--dump",
        choices=STAGES,
        metavar="STAGE",
        help=f"print one stage's output instead: {', '.join(STAGES)}",
    )
    c.set_defaults(handler=_compile)


def _add_graph(commands: argparse._SubParsersAction) -> None:
    g = commands.add_parser(
        "graph", help="draw the computation graph of a function (DOT, PNG, SVG, PDF)"
    )
    g.add_argument(
        "target", metavar="PATH[:FUNC]", help="model file and the function to draw"
    )
    g.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write a picture (format from the extension); default or `-`: print DOT",
    )
    g.add_argument(
        "--wrt", metavar="NAMES", help="parameters whose influence is marked active"
    )
    g.add_argument(
        "--at",
        metavar="X=V,...",
        help="label each node with its value, tangent and adjoint at this point, "
        "numbered v1, v2, ... as the lecture numbers them",
    )
    g.add_argument(
        "--seed",
        metavar="PARAM",
        help="with --at: the tangents are for PARAM_dot = 1 (default: the first parameter)",
    )
    g.add_argument("--digits", type=int, default=3, help="with --at: decimals shown")
    g.set_defaults(handler=_graph)


def _add_trace(commands: argparse._SubParsersAction) -> None:
    t = commands.add_parser(
        "trace", help="print the primal, tangent and adjoint trace tables at a point"
    )
    t.add_argument("target", metavar="PATH[:FUNC]")
    t.add_argument(
        "--at", required=True, metavar="X=V,...", help="the point, e.g. --at x1=2,x2=5"
    )
    t.add_argument(
        "--seed",
        metavar="NAME",
        help="input whose tangent is 1 in the forward-mode table (default: first)",
    )
    t.add_argument(
        "--wrt",
        metavar="NAMES",
        help="parameters to differentiate in the adjoint table (default: all)",
    )
    t.add_argument(
        "--digits",
        type=int,
        default=3,
        help="decimals shown (default 3, as the lecture)",
    )
    t.set_defaults(handler=_trace)


def _add_check(commands: argparse._SubParsersAction) -> None:
    k = commands.add_parser(
        "check",
        help="compare adgen's gradient with finite differences and SymPy at a point",
    )
    k.add_argument("target", metavar="PATH[:FUNC]")
    k.add_argument(
        "--at", required=True, metavar="X=V,...", help="the point, e.g. --at x1=2,x2=5"
    )
    k.add_argument(
        "--wrt",
        metavar="NAMES",
        help="parameters to check (default: @adgen.wrt, else all)",
    )
    k.add_argument(
        "--tol",
        type=float,
        default=1e-6,
        help="largest relative error accepted (default 1e-6)",
    )
    k.set_defaults(handler=_check)


def _compile(args: argparse.Namespace) -> int:
    if args.standalone and args.target != "numpy":
        raise UsageError(
            "--standalone copies numpy's runtime helpers; not with --target array-api",
            hint="drop --standalone: array-API code imports adgen.runtime_xp",
        )
    wrt = _names(args.wrt)
    like = parse_like(args.like) if args.like else None
    jobs = [_split_target(p) for p in args.paths]
    _refuse_clashing_outputs([path for path, _ in jobs])
    outputs = []
    for spec, (path, functions) in zip(
        args.paths, jobs, strict=True
    ):  # all, before writing any
        source = read_source(path)
        source = type(source)(display_path(path), source.text)
        target = Path(args.output) / f"{Path(path).stem}_grad.py"
        stages = run(
            source,
            functions,
            wrt,
            _provenance(source, spec, args),
            mode=args.mode,
            standalone=args.standalone,
            inputs=MODULE_VARIABLES,
            like=like,
            target=args.target,
        )
        if args.dump:
            print(dump(stages, args.dump))
            continue
        outputs.append((target, stages.formatted, source.path))
    if args.dump:
        return EXIT_OK
    if args.check or args.diff:
        return _report_changes(outputs, show_diff=args.diff)
    for target, text, _ in outputs:
        write_atomic(target, text)
        print(f"wrote {display_path(target)}")
    return EXIT_OK


def _provenance(source: SourceFile, spec: str, args: argparse.Namespace) -> Provenance:
    """The header of a generated file: its model, hash, and the command that refreshes it."""
    command = f"adgen compile {display_path(spec)} -o {display_path(args.output)}"
    if args.wrt:
        command += f" --wrt {args.wrt}"
    if args.mode != "reverse":
        command += f" --mode {args.mode}"
    if args.like:
        command += f" --like '{args.like}'"
    if args.target != "numpy":
        command += f" --target {args.target}"
    if args.standalone:  # no staleness check either: it would import adgen
        return Provenance(
            source.path, source_hash(source.text), f"{command} --standalone"
        )
    model = os.path.relpath(Path(source.path).resolve(), Path(args.output).resolve())
    return Provenance(
        source.path, source_hash(source.text), command, Path(model).as_posix()
    )


def _refuse_clashing_outputs(paths: list[str]) -> None:
    """``a/model.py`` and ``b/model.py`` would both write ``model_grad.py``."""
    by_stem: dict[str, str] = {}
    for path in paths:
        stem = Path(path).stem
        if stem in by_stem and Path(by_stem[stem]).resolve() != Path(path).resolve():
            raise UsageError(
                f"{by_stem[stem]} and {path} would both write {stem}_grad.py",
                hint="compile them in two commands with different -o folders",
            )
        by_stem[stem] = path


def _one_function(spec: str, wrt: str | None) -> tuple[Stages, Graph]:
    """Compile the single function ``PATH[:FUNC]`` names; its stages and graph."""
    path, functions = _split_target(spec)
    source = read_source(path)
    stages = run(type(source)(display_path(path), source.text), functions, _names(wrt))
    if len(stages.graphs) != 1:
        names = ", ".join(g.fn.name for g in stages.graphs)
        raise NoFunction(
            f"{path} has several functions ({names}); choose one",
            hint=f"write {path}:FUNC",
        )
    return stages, stages.graphs[0]


def _graph(args: argparse.Namespace) -> int:
    from .notebook import GraphPicture, annotated

    stages, graph = _one_function(args.target, args.wrt)
    require_straight_line(stages.module, graph, "`adgen graph`")
    picture = (
        annotated(
            graph, stages.backwards[0], parse_point(args.at), args.seed, args.digits
        )
        if args.at
        else GraphPicture(graph)
    )
    if args.output and args.output != "-":  # `-o -`: stdout, as without -o
        picture.save(args.output)
        print(f"wrote {args.output}")
    else:
        print(picture.dot(), end="")
    return EXIT_OK


def _trace(args: argparse.Namespace) -> int:
    stages, graph = _one_function(args.target, args.wrt)
    require_straight_line(stages.module, graph, "`adgen trace`")
    point = parse_point(args.at)
    primal, values = primal_trace(graph, point)
    seed = args.seed or graph.fn.params[0]
    where = ", ".join(f"{k}={number(v, args.digits)}" for k, v in point.items())
    print(table(f"Primal trace of {graph.fn.name} at {where}", primal, args.digits))
    print()
    print(
        table(
            f"Tangent trace (forward mode), seed {seed}_dot = 1",
            tangent_trace(graph, values, seed),
            args.digits,
        )
    )
    print()
    backward = stages.backwards[0]
    print(
        table(
            f"Adjoint trace (reverse mode), seed {backward.seed} = 1",
            adjoint_trace(graph, backward, values),
            args.digits,
        )
    )
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    stages, graph = _one_function(args.target, args.wrt)
    require_straight_line(stages.module, graph, "`adgen check`")
    rows = check_at(
        graph,
        grad_function(stages.formatted, graph.fn.name),
        parse_point(args.at),
        args.tol,
    )
    print(f"gradient of {graph.fn.name} at {args.at}")
    print(report(rows, symbolic_available=all(r.symbolic is not None for r in rows)))
    verdict = overall_verdict(rows)
    print(
        f"largest relative error {disagreement(rows):.2e}: {verdict} (tolerance {args.tol:g})"
    )
    if verdict == INCONCLUSIVE:
        print(
            "inconclusive: no reference to trust for every parameter (f is not finite "
            "here, a reference is nan, or the finite differences' error estimate is "
            "above the tolerance); check at another point"
        )
    return {AGREE: EXIT_OK, DISAGREE: EXIT_STALE}.get(verdict, EXIT_INCONCLUSIVE)


def _names(text: str | None) -> list[str] | None:
    return [w.strip() for w in text.split(",") if w.strip()] if text else None


def _split_target(spec: str) -> tuple[str, list[str] | None]:
    """``model.py:f,g`` -> (``model.py``, [``f``, ``g``]); a bare path selects all functions."""
    path, sep, names = spec.rpartition(":")
    if sep and names and not os.path.exists(spec) and path:
        return path, [n.strip() for n in names.split(",") if n.strip()]
    return spec, None


def _report_changes(outputs: list[tuple[Path, str, str]], show_diff: bool) -> int:
    stale = 0
    for target, text, source in outputs:
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old == text:
            continue
        stale += 1
        shown = display_path(target)
        if show_diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    (old or "").splitlines(True),
                    text.splitlines(True),
                    shown,
                    shown + " (new)",
                )
            )
        else:
            what = "missing" if old is None else "stale"
            print(
                f"{shown} is {what}: refresh it with `adgen compile {source} -o {display_path(target.parent)}`",
                file=sys.stderr,
            )
    if not show_diff:
        print(
            f"{len(outputs) - stale} generated file(s) up to date, {stale} to refresh",
            file=sys.stderr,
        )
    return EXIT_STALE if stale else EXIT_OK


def write_atomic(target: Path, text: str) -> None:
    """Write via a temporary file and rename: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; generated code is for everyone
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
