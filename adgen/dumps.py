"""Dumps: the front half's data as text, for ``adgen compile --dump STAGE``.

Each stage's result has a printer; ``pipeline.dump`` calls one per stage.
These are the printers of the front half: what ``parse`` read of the module,
the normal form ``normalize`` lowers each function to (one primitive per
line, ifs and loops with what they merge or carry), and the backward sweep
``reverse`` builds (adjoint blocks under the node they differentiate).  The
output IR prints itself (``program.describe``); ``graph.describe`` prints a
graph.  For the lecture's ``f``, ``--dump normalize`` shows::

    def f(x1, x2):  # wrt x1, x2
        n3 = mul(x1, x2)
        n4 = sin(x1)
        n5 = add(n3, n4)
        return n5
"""

from __future__ import annotations

import ast

from .graph import Graph
from .ir import Break, Eqn, Function, If, Loop, Stmt
from .parse import Module
from .reverse import AdjointBlock, Backward, ReverseIf


def module_text(m: Module) -> str:
    """What the front end found in the model file: imports, functions, constants."""
    imports = ", ".join(f"{k} -> {v}" for k, v in m.imports.items())
    constants = ", ".join(f"{k} = {ast.unparse(v)}" for k, v in m.constants.items())
    return "\n".join(
        [
            f"imports:   {imports or '-'}",
            f"functions: {', '.join(m.functions) or '-'}",
            f"constants: {constants or '-'}",
        ]
    )


def normal_form_text(fn: Function) -> str:
    """One normalized function, one equation per line."""
    lines = [f"def {fn.name}({', '.join(fn.params)}):  # wrt {', '.join(fn.wrt)}"]
    lines += _normal_block(fn.eqns, "    ")
    lines.append(f"    return {fn.output}")
    return "\n".join(lines)


def _normal_block(block: list[Stmt], indent: str) -> list[str]:
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
            lines += _normal_block(stmt.then, indent + "    ") or [indent + "    pass"]
            lines += (
                [f"{indent}else:", *_normal_block(stmt.orelse, indent + "    ")]
                if stmt.orelse
                else []
            )
        else:
            lines += _loop_lines(stmt, indent)
    return lines


def _loop_lines(stmt: Loop, indent: str) -> list[str]:
    carried = f"  # {stmt.label}, carries {', '.join(stmt.carried) or '-'}"
    lines = []
    if stmt.is_while:
        lines += _normal_block(stmt.test, indent)
        lines.append(f"{indent}while {stmt.cond}:{carried}")
    else:
        bounds = ", ".join(str(b) for b in stmt.bounds)
        lines.append(f"{indent}for {stmt.index} in range({bounds}):{carried}")
    return lines + (_normal_block(stmt.body, indent + "    ") or [indent + "    pass"])


def backward_text(graph: Graph, backward: Backward) -> str:
    """One function's backward sweep, before the sweeps give it stacks and a tape."""
    lines = [f"backward {graph.fn.name}, seed {backward.seed}:"]
    lines += _backward_block(backward.blocks, "    ")
    lines += [f"    {ast.unparse(s)}" for s in backward.zeros]
    lines.append(f"    return {', '.join(backward.results)}")
    return "\n".join(lines)


def _backward_block(items: list, indent: str) -> list[str]:
    lines = []
    for item in items:
        if isinstance(item, AdjointBlock):
            lines.append(f"{indent}# {item.comment}")
            lines += [f"{indent}{ast.unparse(s)}" for s in item.statements]
        elif isinstance(item, ReverseIf):
            lines.append(f"{indent}if {item.forward.cond}:")
            lines += _backward_block(item.then, indent + "    ") or [
                indent + "    pass"
            ]
            lines += [f"{indent}else:", *_backward_block(item.orelse, indent + "    ")]
        else:
            lines += [f"{indent}{ast.unparse(s)}" for s in item.zeros]
            lines.append(
                f"{indent}for each iteration of {item.forward.label}, last first:"
            )
            lines += _backward_block(item.body, indent + "    ") or [
                indent + "    pass"
            ]
    return lines
