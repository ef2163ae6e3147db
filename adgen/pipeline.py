"""The compiler: every stage, called in order, in one short function.

    parse -> check -> normalize -> graph -> reverse (+ specialize)
          -> emit (+ liveness, scalar math in grad_f, arguments) -> format

``run`` keeps each stage's output so that ``adgen compile --dump STAGE`` can
print any of them; ``compile_source`` returns the final, black-formatted text.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import black

from .check import check_function
from .emit import Provenance, build_program, emit
from .errors import SourceFile
from .forward import jvp_functions
from .graph import Graph, build_graph, describe
from .ir import Break, Eqn, Function, If, Stmt
from .limits import check_blocks, check_sizes, located_overflow, with_compiler_stack
from .normalize import assert_normal_form, normalize
from .optimize import optimize
from .parse import Module, parse_module, select_functions
from .primitives import primal_statement
from .program import Program
from .reverse import AdjointBlock, Backward, ReverseIf, reverse_sweep
from .specialize import specialize
from .sweeps import Compiled, reverse_functions

STAGES = ("parse", "check", "normalize", "graph", "reverse", "emit", "format")
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
) -> Stages:
    """Compile ``source``: every stage in order. ``mode`` is one of ``MODES``.
    The passes recurse as deep as the model nests: they run on a deep stack."""
    return with_compiler_stack(lambda: _run(source, functions, wrt, origin, mode))


def _run(
    source: SourceFile,
    functions: list[str] | None,
    wrt: list[str] | None,
    origin: Provenance | None,
    mode: str,
) -> Stages:
    module = parse_module(source)
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
        stages.optimized = optimize(program, stages.graphs)
        stages.emitted = emit(stages.optimized)
        stages.formatted = black.format_str(stages.emitted, mode=BLACK_MODE)
    return stages


def compile_source(
    source: SourceFile,
    functions: list[str] | None = None,
    wrt: list[str] | None = None,
    mode: str = "reverse",
) -> str:
    """The generated module for ``source``, black-formatted."""
    return run(source, functions, wrt, mode=mode).formatted


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def display_path(path: str | Path) -> str:
    """The path as written in headers: relative to the working directory, with ``/``."""
    p = Path(path)
    with contextlib.suppress(ValueError):  # another drive on Windows
        p = Path(os.path.relpath(p))
    return p.as_posix()


def dump(stages: Stages, stage: str) -> str:
    """The text of one stage's output (``adgen compile --dump STAGE``)."""
    if stage == "parse":
        m = stages.module
        lines = [
            f"imports:   {', '.join(f'{k} -> {v}' for k, v in m.imports.items()) or '-'}",
            f"functions: {', '.join(m.functions) or '-'}",
            f"constants: {', '.join(f'{k} = {ast.unparse(v)}' for k, v in m.constants.items()) or '-'}",
        ]
        return "\n".join(lines)
    if stage == "check":
        return "\n".join(f"ok: {f.name}" for f in stages.functions)
    if stage == "normalize":
        return "\n\n".join(_anf_text(f) for f in stages.functions)
    if stage == "graph":
        return "\n\n".join(describe(g) for g in stages.graphs)
    if stage == "reverse":
        return "\n\n".join(
            _reverse_text(g, b)
            for g, b in zip(stages.graphs, stages.backwards, strict=False)
        )
    if stage == "emit":
        return stages.emitted
    return stages.formatted


def _anf_text(fn: Function) -> str:
    lines = [f"def {fn.name}({', '.join(fn.params)}):  # wrt {', '.join(fn.wrt)}"]
    lines += _anf_block(fn.eqns, "    ")
    lines.append(f"    return {fn.output}")
    return "\n".join(lines)


def _anf_block(block: list[Stmt], indent: str) -> list[str]:
    """One line per equation; ifs and loops as in Python, with what they merge or carry."""
    lines = []
    for stmt in block:
        if isinstance(stmt, Eqn):
            args = [str(a) if not isinstance(a, str) else a for a in stmt.args]
            args += [
                f"{k}={ast.unparse(v) if isinstance(v, ast.AST) else v!r}"
                for k, v in stmt.params
            ]
            lines.append(f"{indent}{stmt.out} = {stmt.prim}({', '.join(args)})")
        elif isinstance(stmt, Break):
            lines.append(f"{indent}break")
        elif isinstance(stmt, If):
            lines.append(
                f"{indent}if {stmt.cond}:  # merges {', '.join(stmt.merged) or '-'}"
            )
            lines += _anf_block(stmt.then, indent + "    ") or [indent + "    pass"]
            lines += (
                [f"{indent}else:", *_anf_block(stmt.orelse, indent + "    ")]
                if stmt.orelse
                else []
            )
        else:
            carried = f"  # {stmt.label}, carries {', '.join(stmt.carried) or '-'}"
            if stmt.is_while:
                lines += _anf_block(stmt.test, indent)
                lines.append(f"{indent}while {stmt.cond}:{carried}")
            else:
                bounds = ", ".join(str(b) for b in stmt.bounds)
                lines.append(f"{indent}for {stmt.index} in range({bounds}):{carried}")
            lines += _anf_block(stmt.body, indent + "    ") or [indent + "    pass"]
    return lines


def _reverse_text(graph: Graph, backward: Backward) -> str:
    lines = [f"backward {graph.fn.name}, seed {backward.seed}:"]
    lines += _reverse_block(backward.blocks, "    ")
    lines += [f"    {ast.unparse(s)}" for s in backward.zeros]
    lines.append(f"    return {', '.join(backward.results)}")
    return "\n".join(lines)


def _reverse_block(items: list, indent: str) -> list[str]:
    lines = []
    for item in items:
        if isinstance(item, AdjointBlock):
            lines.append(f"{indent}# {item.comment}")
            lines += [f"{indent}{ast.unparse(s)}" for s in item.statements]
        elif isinstance(item, ReverseIf):
            lines.append(f"{indent}if {item.forward.cond}:")
            lines += _reverse_block(item.then, indent + "    ") or [indent + "    pass"]
            lines += [f"{indent}else:", *_reverse_block(item.orelse, indent + "    ")]
        else:
            lines += [f"{indent}{ast.unparse(s)}" for s in item.zeros]
            lines.append(
                f"{indent}for each iteration of {item.forward.label}, last first:"
            )
            lines += _reverse_block(item.body, indent + "    ") or [indent + "    pass"]
    return lines


__all__ = [
    "STAGES",
    "Stages",
    "compile_source",
    "display_path",
    "dump",
    "primal_statement",
    "run",
]
