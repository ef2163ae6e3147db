"""The compiler: every stage, called in order, in one short function.

    1 parse -> 2 check -> 3 normalize -> 4 graph -> 5 reverse (+ 5b specialize)
      -> 6 program (sweeps.py, forward.py: the output IR, simplified)
      -> 7 optimize (Program -> Program passes) -> 8 emit (the text) -> 9 format

The numbers are the ones the modules' docstrings give, and ``STAGES`` names
them in this order.  Only emit writes Python text, and no pass reads it back
(black formats it).  ``run`` keeps each stage's output so that ``adgen
compile --dump STAGE`` can print any of them; ``compile_source`` returns the
final, black-formatted text.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import black

from .check import check_function
from .custom_discovery import read_rules
from .dumps import backward_text, module_text, normal_form_text
from .emit import Provenance, build_program, emit
from .errors import SourceFile
from .forward import jvp_functions
from .graph import Graph, build_graph, describe
from .ir import Function
from .limits import check_blocks, check_sizes, located_overflow, with_compiler_stack
from .normalize import assert_normal_form, normalize
from .optimize import optimize
from .parse import Module, parse_module, select_functions
from .primitives import primal_statement
from .program import Program
from .program import describe as describe_program
from .reverse import Backward, reverse_sweep
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
# --mode: which functions the generated module holds for each model function.
MODES = {
    "reverse": (reverse_functions,),  # forward_f, backward_f, grad_f
    "forward": (jvp_functions,),  # jvp_f
    "both": (reverse_functions, jvp_functions),
}
BLACK_MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=88)


@dataclass
class Stages:
    """What each stage produced, for one model file."""

    module: Module
    functions: list[Function] = field(default_factory=list)
    graphs: list[Graph] = field(default_factory=list)
    backwards: list[Backward] = field(default_factory=list)
    program: Program | None = None  # the output IR, before the optimize passes
    optimized: Program | None = None  # the output IR, after them
    emitted: str = ""
    formatted: str = ""


def run(
    source: SourceFile,
    functions: list[str] | None = None,
    wrt: list[str] | None = None,
    origin: Provenance | None = None,
    mode: str = "reverse",
    standalone: bool = False,
    target: str = "numpy",
) -> Stages:
    """Compile ``source``: every stage in order. ``mode`` is one of ``MODES``;
    ``standalone`` copies the runtime helpers into the module (``standalone.py``);
    ``target`` is ``numpy`` or ``array-api`` (optimize/array_api.py).
    The passes recurse as deep as the model nests: they run on a deep stack."""
    return with_compiler_stack(
        lambda: _run(source, functions, wrt, origin, mode, standalone, target)
    )


def _run(
    source: SourceFile,
    functions: list[str] | None,
    wrt: list[str] | None,
    origin: Provenance | None,
    mode: str,
    standalone: bool = False,
    target: str = "numpy",
) -> Stages:
    module = read_rules(parse_module(source))
    stages = Stages(module)
    selected = select_functions(module, functions)
    for fn in selected:  # every function is checked before any is transformed
        with located_overflow(module, fn):
            check_function(module, fn)
            check_sizes(module, fn)
    for fn in selected:
        with located_overflow(module, fn):
            normal = normalize(module, fn, wrt)
            check_blocks(source, normal)
            assert_normal_form(normal)
            graph = build_graph(normal)
            stages.functions.append(normal)
            stages.graphs.append(graph)
            stages.backwards.append(specialize(graph, reverse_sweep(graph)))
    compiled = [
        Compiled(g, b) for g, b in zip(stages.graphs, stages.backwards, strict=False)
    ]
    with located_overflow(module, selected[0]):
        program = build_program(
            compiled,
            origin or Provenance(source.path, source_hash(source.text)),
            MODES[mode],
        )
        stages.program = program
        stages.optimized = optimize(program, stages.graphs, target)
        stages.emitted = emit(stages.optimized, standalone)
        stages.formatted = black.format_str(stages.emitted, mode=BLACK_MODE)
    return stages


def compile_source(
    source: SourceFile,
    functions: list[str] | None = None,
    wrt: list[str] | None = None,
    mode: str = "reverse",
    target: str = "numpy",
) -> str:
    """The generated module for ``source``, black-formatted: the runtime API's
    in-memory compile; for one function its header names ``adgen.source`` (not a command that
    would write a file from, say, a notebook cell's pseudo-path)."""
    command = (
        f"adgen.source({functions[0]})" if functions and len(functions) == 1 else ""
    )
    origin = Provenance(source.path, source_hash(source.text), command=command)
    return run(source, functions, wrt, origin, mode, target=target).formatted


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
    "STAGES",
    "Stages",
    "compile_source",
    "display_path",
    "dump",
    "primal_statement",
    "run",
]
