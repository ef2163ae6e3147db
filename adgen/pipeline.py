"""The compiler: every stage, called in order, in one short function.

    1 parse -> 2 check -> 3 normalize -> 4 graph -> 5 reverse (+ 5b specialize)
      -> 6 program (sweeps.py, forward.py: the output IR, simplified)
      -> 7 optimize (Program -> Program passes) -> 8 emit (the text) -> 9 format

The numbers are the ones the modules' docstrings give, and ``STAGES`` names
them in this order.  Only emit writes Python text, and no pass reads it back
(black formats it).  ``run`` keeps each stage's output so that ``adgen
compile --dump STAGE`` can print any of them; ``compile_source`` returns the
final, black-formatted text, or for the runtime API, which executes it and
shows it only when asked, the emitted text unformatted (stage 9, formatting.py,
is lazy: it runs when ``Stages.formatted`` is first read, and gives black only
the lines black may change).  The collector is paused while
the stages run: they allocate millions of small objects and free none, and its
full collections made a compile of a thousand statements quadratic.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bindings import read_when_run
from .check import check_function
from .containers import unflattened
from .custom_discovery import read_rules
from .dumps import backward_text, module_text, normal_form_text
from .emit import Provenance, build_program, printed_module
from .errors import SourceFile
from .floats_first import float_paths, floats_first
from .formatting import BLACK_MODE, black_format, format_program
from .forward import jvp_functions
from .graph import Graph, build_graph, describe
from .ir import Function
from .like import Like, apply_like, arrays_as_passed, flat_like, guard
from .limits import check_blocks, check_sizes, located_overflow, with_compiler_stack
from .module_inputs import keyword_inputs
from .normalize import assert_normal_form, normalize
from .optimize import optimize
from .parse import Module, parse_module, reachable_helpers, select_functions
from .primitives import primal_statement
from .program import Program, print_program
from .program import describe as describe_program
from .reverse import Backward, reverse_sweep
from .shapes import checked_scalar
from .specialize import specialize
from .sweeps import Compiled, reverse_functions

STAGES = (
    "parse",
    "check",
    "normalize",
    "graph",
    "reverse",
    "program",
    "optimize",
    "emit",
    "format",
)
# inputs=MODULE_VARIABLES (the CLI's): every module variable computed when the file
# runs that a function reads is a keyword-only parameter (module_inputs.py)
MODULE_VARIABLES = "module variables"
# --mode: which functions the generated module holds for each model function.
MODES = {
    "reverse": (reverse_functions,),  # forward_f, backward_f, grad_f
    "forward": (jvp_functions,),  # jvp_f
    "both": (reverse_functions, jvp_functions),
}


@dataclass
class Stages:
    """What each stage produced, for one model file."""

    module: Module
    functions: list[Function] = field(default_factory=list)
    graphs: list[Graph] = field(default_factory=list)
    backwards: list[Backward] = field(default_factory=list)
    program: Program | None = None  # the output IR, before the optimize passes
    optimized: Program | None = None  # the output IR, after them
    printed: tuple[Program, tuple[str, ...]] | None = None  # what emit printed
    emitted: str = ""
    _formatted: str | None = field(default=None, repr=False)

    @property
    def formatted(self) -> str:
        """The emitted text, black-formatted (stage 9), on first use."""
        if self._formatted is None:
            printed = self.printed
            self._formatted = (
                format_module(self.emitted)
                if printed is None
                else with_compiler_stack(lambda: format_program(*printed))
            )
        return self._formatted


def format_module(text: str) -> str:
    """``text`` as black formats it (on the compiler's deep stack: emitted
    expressions nest as deep as the model's)."""
    return with_compiler_stack(lambda: black_format(text))


@dataclass(frozen=True)
class Options:
    """How to compile, beyond which functions and parameters (each as ``run`` says)."""

    mode: str = "reverse"
    standalone: bool = False
    has_aux: bool = False
    inputs: tuple[str, ...] | str = ()
    like: Like = field(default_factory=dict)
    target: str = "numpy"
    guarded: bool = True


def run(
    source: SourceFile,
    functions: list[str] | None = None,
    wrt: list[str] | None = None,
    origin: Provenance | None = None,
    mode: str = "reverse",
    *,
    standalone: bool = False,
    has_aux: bool = False,
    inputs: tuple[str, ...] | str = (),
    like: Like | None = None,
    target: str = "numpy",
    guarded: bool = True,
) -> Stages:
    """Compile ``source``: every stage in order. ``mode`` is one of ``MODES``;
    ``standalone`` copies the runtime helpers into the module (``standalone.py``);
    ``has_aux``: the functions return ``(loss, aux)`` (as ``@adgen.has_aux``);
    ``inputs``: module variables taken as keyword-only parameters (the runtime
    API's names, or ``MODULE_VARIABLES``: every one computed when the file runs);
    ``like`` specializes on the caller's arguments (see ``compile_source``),
    the entry functions checking them unless not ``guarded`` (the runtime API
    picks the module by its arguments' kinds);
    ``target`` is ``numpy`` or ``array-api`` (optimize/array_api.py).
    The passes recurse as deep as the model nests: they run on a deep stack."""
    options = Options(mode, standalone, has_aux, inputs, like or {}, target, guarded)
    with _collector_paused():
        return with_compiler_stack(
            lambda: _run(source, functions, wrt, origin, options)
        )


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (nested compiles leave it to the outermost)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run(
    source: SourceFile,
    functions: list[str] | None,
    wrt: list[str] | None,
    origin: Provenance | None,
    options: Options,
) -> Stages:
    like = options.like
    module = read_rules(parse_module(source))
    stages = Stages(module)
    selected = select_functions(module, functions)
    if like:  # before the checks: the declarations it stands for are checked too
        apply_like(module, selected, like)
    for fn in selected:  # every function is checked before any is transformed
        with located_overflow(module, fn):
            check_function(module, fn)
            check_sizes(module, fn)
    checked: list[Compiled | None] = []
    for fn in selected:
        with located_overflow(module, fn):
            normal = normalize(
                module, fn, wrt, options.has_aux, _inputs(module, fn, options)
            )
            check_blocks(source, normal)
            assert_normal_form(normal)
            graph = build_graph(normal)
            stages.functions.append(normal)
            stages.graphs.append(graph)
            stages.backwards.append(specialize(graph, reverse_sweep(graph)))
            checked.append(_past_scalar_check(normal, graph, options.mode))
    compiled = [
        Compiled(g, b, c)
        for g, b, c in zip(stages.graphs, stages.backwards, checked, strict=True)
    ]
    origin = origin or Provenance(source.path, source_hash(source.text))
    with located_overflow(module, selected[0]):
        program = build_program(compiled, origin, MODES[options.mode])
        stages.program = program
        stages.optimized = optimize(program, stages.graphs, options.target)
        if options.target == "numpy" and options.mode != "forward":
            paths = [
                float_paths(n, c, origin)
                for n, c in zip(stages.functions, compiled, strict=True)
            ]
            stages.optimized = floats_first(
                stages.optimized, {k: v for p in paths for k, v in p.items()}
            )
        if like and options.guarded:
            leaf_like = flat_like(like, stages.functions)
            stages.optimized = guard(
                stages.optimized, leaf_like, {f.name for f in selected}
            )
        elif like:  # the runtime API passes arrays where like says a shape
            stages.optimized = arrays_as_passed(stages.optimized, like)
        stages.optimized = unflattened(stages.optimized, stages.functions)
        stages.optimized = keyword_inputs(stages.optimized, stages.functions)
        stages.printed = printed_module(stages.optimized, options.standalone)
        stages.emitted = print_program(*stages.printed)
    return stages


def _past_scalar_check(normal: Function, graph: Graph, mode: str) -> Compiled | None:
    """The sweeps ``grad_f`` runs once it has checked that the output is a scalar,
    where that tells shapes the graph does not know (``shapes.checked_scalar``)."""
    scalar = checked_scalar(normal, graph.shapes) if mode != "forward" else None
    if scalar is None:
        return None
    checked = build_graph(scalar)
    return Compiled(checked, specialize(checked, reverse_sweep(checked)))


def _inputs(module: Module, fn: ast.FunctionDef, options: Options) -> tuple[str, ...]:
    """The module variables ``fn`` takes as parameters."""
    if options.inputs != MODULE_VARIABLES:
        return options.inputs  # type: ignore[return-value]
    return read_when_run(module, [fn, *reachable_helpers(module, fn)])


def compile_source(
    source: SourceFile,
    functions: list[str] | None = None,
    wrt: list[str] | None = None,
    mode: str = "reverse",
    has_aux: bool = False,
    inputs: tuple[str, ...] = (),
    like: Like | None = None,
    formatted: bool = True,
    target: str = "numpy",
    guarded: bool = True,
) -> str:
    """The generated module for ``source``, black-formatted (``formatted=False``:
    as emitted, the same code unformatted, which the runtime API executes): an
    in-memory compile (``in_memory``).

    ``like`` specializes on the caller's arguments: parameter name -> ``float``,
    ``int``, a shape tuple (``(441, 2)``, ``()`` for a numpy scalar) or an array;
    each acts as the declaration it stands for (``x: float``,
    ``@adgen.shapes(X="441 2")``), and the entry functions check their
    arguments are of that kind (adgen/like.py) unless not ``guarded``.
    ``like.like_of(arg)`` gives the value for one argument."""
    stages = in_memory(
        source,
        functions,
        wrt,
        mode,
        has_aux=has_aux,
        inputs=inputs,
        like=like,
        target=target,
        guarded=guarded,
    )
    return stages.formatted if formatted else stages.emitted


def in_memory(
    source: SourceFile,
    functions: list[str] | None = None,
    wrt: list[str] | None = None,
    mode: str = "reverse",
    **options: Any,
) -> Stages:
    """Every stage of compiling ``source`` in memory (``run``'s ``options``): for
    one function the header names ``adgen.source`` (not a command that would
    write a file from, say, a notebook cell's pseudo-path)."""
    command = (
        f"adgen.source({functions[0]})" if functions and len(functions) == 1 else ""
    )
    origin = Provenance(source.path, source_hash(source.text), command=command)
    return run(source, functions, wrt, origin, mode, **options)


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def display_path(path: str | Path) -> str:
    """The path as written in headers: relative to the working directory, with ``/``."""
    p = Path(path)
    with contextlib.suppress(ValueError):  # another drive on Windows
        p = Path(os.path.relpath(p))
    return p.as_posix()


# --dump STAGE: each stage's result, printed by its IR's printer.
DUMPS: dict[str, Callable[[Stages], str]] = {
    "parse": lambda s: module_text(s.module),
    "check": lambda s: "\n".join(f"ok: {f.name}" for f in s.functions),
    "normalize": lambda s: "\n\n".join(normal_form_text(f) for f in s.functions),
    "graph": lambda s: "\n\n".join(describe(g) for g in s.graphs),
    "reverse": lambda s: "\n\n".join(map(backward_text, s.graphs, s.backwards)),
    "program": lambda s: describe_program(s.program),
    "optimize": lambda s: describe_program(s.optimized),
    "emit": lambda s: s.emitted,
    "format": lambda s: s.formatted,
}
assert tuple(DUMPS) == STAGES


def dump(stages: Stages, stage: str) -> str:
    """The text of one stage's output (``adgen compile --dump STAGE``)."""
    return DUMPS[stage](stages)


__all__ = [
    "BLACK_MODE",
    "STAGES",
    "Stages",
    "compile_source",
    "display_path",
    "dump",
    "format_module",
    "primal_statement",
    "run",
]
