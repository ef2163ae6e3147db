"""How deep and how large a model adgen compiles, and one located message beyond.

adgen's passes recurse over the model: over nested expressions (normalize,
the simplifier, ``ast.unparse``), over nested blocks, and through every helper
it inlines, so the depth of Python's stack follows the depth of the model.
Two things keep that from ever surfacing as a ``RecursionError``:

* ``with_compiler_stack`` runs the compiler in a thread of its own, with a
  large stack and a raised recursion limit, so that every model within the
  limits below compiles whatever the caller's own stack depth (pytest, a
  notebook) and whichever Python runs it;
* the limits are measured first, without recursion, and a model beyond one
  gets a located error that names the limit.  Should a pass still run out of
  stack (limits combined: a deep expression in each helper of a long chain),
  ``located_overflow`` turns the ``RecursionError`` into a located error at
  the function being compiled.

The generated code must stay within Python's own limits too.  It nests
blocks as the normalized function does (``elif`` chains, code moved under an
early ``return``'s ``else`` and inlined helpers included), which
``check_blocks`` bounds: Python reads at most 100 levels of indentation, and
3.11 and 3.12 compile at most 20 nested loops.  (Expression nesting in the
parser: ``parse.MAX_NESTING``.)
"""

from __future__ import annotations

import ast
import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

from .errors import Location, SizeLimit, SourceFile
from .exits import MAX_COPIED_NODES, TooMuchCopying, structure_exits
from .ir import Function, If, Loop, Stmt
from .parse import Module

MAX_HELPER_DEPTH = 1000  # helpers inlined one inside another
MAX_INLINED_NODES = 100_000  # syntax-tree nodes of a function, its helpers inlined
MAX_BLOCK_NESTING = 90  # if/loop blocks, one inside another, in the generated code
MAX_LOOP_NESTING = 20  # CPython 3.11/3.12: "too many statically nested blocks"

# The compiler's thread: room for the limits above with a wide margin.  Python
# frames cost little C stack from 3.11 on; the stack is reserved, not used.
COMPILER_STACK_BYTES = 256 * 2**20
COMPILER_RECURSION_LIMIT = 100_000

T = TypeVar("T")
_inside = threading.local()  # set in the compiler's thread: nested calls run inline
# One compile at a time: the stack size and the recursion limit are the
# process's, and CPython 3.11's AST constructor counts its depth per
# interpreter, so two threads parsing at once can fail with "AST constructor
# recursion depth mismatch" (python/cpython#106905).
_one_at_a_time = threading.Lock()


def with_compiler_stack(call: Callable[[], T]) -> T:
    """``call()``, run in a thread with a deep stack; its result or its exception.

    Where threads of that size cannot be made, ``call()`` runs here, and a model
    deeper than this stack allows gets ``located_overflow``'s message instead."""
    if getattr(_inside, "active", False):
        return call()
    outcome: dict[str, object] = {}

    def compile_in_thread() -> None:
        _inside.active = True
        try:
            outcome["value"] = call()
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    with _one_at_a_time:
        try:
            previous = threading.stack_size(COMPILER_STACK_BYTES)
        except (ValueError, RuntimeError):  # this platform fixes thread stacks
            return call()
        try:
            worker = threading.Thread(
                target=compile_in_thread, name="adgen-compiler", daemon=True
            )
            with _raised_recursion_limit():
                worker.start()
                worker.join()
        except RuntimeError:  # no thread could be started (resource limits)
            return call()
        finally:
            threading.stack_size(previous)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


@contextlib.contextmanager
def _raised_recursion_limit() -> Iterator[None]:
    """The recursion limit, raised while the compiler's thread runs (it is the
    interpreter's: other threads see it too, for that time)."""
    original = sys.getrecursionlimit()
    sys.setrecursionlimit(max(original, COMPILER_RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(original)


@contextlib.contextmanager
def located_overflow(module: Module, fn: ast.FunctionDef) -> Iterator[None]:
    """A pass that runs out of stack or memory on ``fn``: one located error."""
    try:
        yield
    except TooMuchCopying as too_much:
        raise SizeLimit(
            f"the early exits in `{fn.name}` would copy more than "
            f"{MAX_COPIED_NODES:,} syntax-tree nodes: adgen moves the code after an "
            "`if` that may `return` (or `break`) into each path that continues, and "
            "this `if`'s paths continue on both sides of an exit nested inside it",
            module.location(too_much.stmt),
            hint="return (or break) from the outer `if` only, e.g. compute the value "
            "with np.where(cond, a, b) and return it once at the end",
        ) from None
    except RecursionError:
        raise SizeLimit(
            f"`{fn.name}` nests too deeply for adgen to compile: its expressions, "
            f"blocks and inlined helpers together go past {COMPILER_RECURSION_LIMIT:,} "
            "nested calls in the compiler",
            module.location(fn),
            hint="split long expressions into several assignments, and call helpers "
            "one after another rather than inside one another",
        ) from None
    except MemoryError:
        raise SizeLimit(
            f"compiling `{fn.name}` ran out of memory",
            module.location(fn),
            hint="split the function, or call fewer helpers from it",
        ) from None


# --- helpers: how deep they nest, how large they make a function -----------------------


def check_sizes(module: Module, fn: ast.FunctionDef) -> None:
    """Before normalizing ``fn``: refuse a chain of helpers nested more than
    ``MAX_HELPER_DEPTH`` deep, a function that inlining would make more than
    ``MAX_INLINED_NODES`` large, and blocks nested past the limits of
    ``check_blocks`` (counted here on the source, so that a long chain of
    guards is refused before normalize spends minutes on it).
    Call after ``check_function``, which refuses recursion: the calls form a DAG."""
    calls = _helper_calls(module, fn)
    depth, size = _depths_and_sizes(module, fn.name, calls)
    if depth[fn.name] > MAX_HELPER_DEPTH:
        _refuse_deep_chain(module, fn.name, calls, depth)
    if size[fn.name] > MAX_INLINED_NODES:
        _refuse_large_inlining(module, fn.name, calls, size)
    nesting: dict[str, tuple[int, int]] = {}
    for name in depth:  # callees first
        nesting[name] = _block_nesting(module, module.functions[name], nesting)


def _helper_calls(
    module: Module, fn: ast.FunctionDef
) -> dict[str, list[tuple[ast.Call, str]]]:
    """For ``fn`` and each helper it reaches: its calls of helpers, each call site
    once, in source order (the helpers ``parse.called_helpers`` names)."""
    calls: dict[str, list[tuple[ast.Call, str]]] = {}
    todo = [fn.name]
    while todo:
        name = todo.pop()
        if name in calls:
            continue
        sites = [
            (node, node.func.id)
            for node in ast.walk(module.functions[name])
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in module.functions
            and node.func.id not in module.custom
        ]
        sites.sort(key=lambda site: (site[0].lineno, site[0].col_offset))
        calls[name] = sites
        todo += [callee for _, callee in sites]
    return calls


def _depths_and_sizes(
    module: Module, root: str, calls: dict[str, list[tuple[ast.Call, str]]]
) -> tuple[dict[str, int], dict[str, int]]:
    """Per function: how many helpers deep its inlining goes, and how many nodes it
    has with every call inlined (capped just past the limit). Callees first."""
    depth: dict[str, int] = {}
    size: dict[str, int] = {}
    stack = [(root, False)]
    while stack:
        name, callees_done = stack.pop()
        if name in depth:
            continue
        if not callees_done:
            stack.append((name, True))
            stack += [(c, False) for _, c in calls[name] if c not in depth]
            continue
        callees = [c for _, c in calls[name]]
        depth[name] = max((depth[c] + 1 for c in callees), default=0)
        own = sum(1 for stmt in module.functions[name].body for _ in ast.walk(stmt))
        size[name] = min(own + sum(size[c] for c in callees), MAX_INLINED_NODES + 1)
    return depth, size


def _refuse_deep_chain(
    module: Module,
    root: str,
    calls: dict[str, list[tuple[ast.Call, str]]],
    depth: dict[str, int],
) -> None:
    chain, caller = [root], root
    while len(chain) <= MAX_HELPER_DEPTH:
        site, callee = max(calls[caller], key=lambda s: depth[s[1]])
        chain.append(callee)
        caller = callee
    site, callee = max(calls[caller], key=lambda s: depth[s[1]])
    shown = " -> ".join([*chain[:3], "...", *chain[-2:], callee])
    raise SizeLimit(
        f"helpers nested more than {MAX_HELPER_DEPTH} deep ({shown}): adgen inlines "
        f"each call, and this call would inline helper number {MAX_HELPER_DEPTH + 1} "
        f"inside `{root}`",
        module.location(site),
        hint="call the helpers one after another (y = h2(x); y = h1(y)) rather than "
        "inside one another, or give one a custom rule (@adgen.defvjp) so that it "
        "is called, not inlined",
    )


def _refuse_large_inlining(
    module: Module,
    root: str,
    calls: dict[str, list[tuple[ast.Call, str]]],
    size: dict[str, int],
) -> None:
    """Located at the largest call, followed down while one callee alone is too large."""
    caller = root
    site, callee = max(calls[caller], key=lambda s: size[s[1]])
    while size[callee] > MAX_INLINED_NODES and calls[callee]:
        caller = callee
        site, callee = max(calls[caller], key=lambda s: size[s[1]])
    raise SizeLimit(
        f"inlining its helpers would make `{root}` more than "
        f"{MAX_INLINED_NODES:,} syntax-tree nodes long; the largest part comes from "
        f"this call of `{callee}` in `{caller}`",
        module.location(site if calls[root] else module.functions[root]),
        hint="adgen inlines every helper call: call a helper once and reuse its "
        "result, or give it a custom rule (@adgen.defvjp) so that it is called, "
        "not inlined",
    )


# --- blocks: how deep the generated code nests ----------------------------------------

BLOCKS = (ast.If, ast.For, ast.While)


def _block_nesting(
    module: Module, fn: ast.FunctionDef, nesting: dict[str, tuple[int, int]]
) -> tuple[int, int]:
    """(blocks, loops) nested in ``fn`` once its early exits are structured and its
    helpers (in ``nesting``) inlined, as normalize will nest them; refused past the
    limits. A conditional expression is a block too (an ``If`` in the IR)."""
    body = fn.body
    if any(isinstance(n, (*BLOCKS, ast.IfExp)) for s in body for n in ast.walk(s)):
        body = structure_exits(body, {"result": "result", "returned": "returned"})
    deepest = (0, 0)
    todo: list[tuple[ast.AST, int, int]] = [(stmt, 0, 0) for stmt in body]
    while todo:
        node, blocks, loops = todo.pop()
        inner = blocks, loops
        if isinstance(node, (*BLOCKS, ast.IfExp)):
            inner = blocks + 1, loops + isinstance(node, (ast.For, ast.While))
            _refuse_nesting(
                module.source, fn.name, node.lineno, node.col_offset, *inner
            )
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in nesting:
            more_blocks, more_loops = nesting[node.func.id]
            _refuse_nesting(
                module.source,
                fn.name,
                node.lineno,
                node.col_offset,
                blocks + more_blocks,
                loops + more_loops,
            )
            deepest = _deeper(deepest, (blocks + more_blocks, loops + more_loops))
        deepest = _deeper(deepest, inner)
        for child in ast.iter_child_nodes(node):
            nested = child is not getattr(node, "test", None) and child is not getattr(
                node, "iter", None
            )
            todo.append((child, *(inner if nested else (blocks, loops))))
    return deepest


def _deeper(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """Each count's own maximum: the deepest blocks and the deepest loops may lie on
    different paths, and each limit is checked on its own."""
    return max(a[0], b[0]), max(a[1], b[1])


def check_blocks(source: SourceFile, fn: Function) -> None:
    """Refuse blocks (ifs and loops) nested past ``MAX_BLOCK_NESTING``, or loops past
    ``MAX_LOOP_NESTING``, in the normalized ``fn``: the generated code nests as it does.
    """
    todo: list[tuple[list[Stmt], int, int]] = [(fn.eqns, 0, 0)]
    while todo:
        body, blocks, loops = todo.pop()
        for stmt in body:
            if isinstance(stmt, If):
                _refuse_at(source, fn, stmt, blocks + 1, loops)
                todo += [
                    (stmt.then, blocks + 1, loops),
                    (stmt.orelse, blocks + 1, loops),
                ]
            elif isinstance(stmt, Loop):
                _refuse_at(source, fn, stmt, blocks + 1, loops + 1)
                todo += [(stmt.body, blocks + 1, loops + 1), (stmt.test, blocks, loops)]


def _refuse_at(
    source: SourceFile, fn: Function, stmt: If | Loop, blocks: int, loops: int
) -> None:
    origin = stmt.origin
    line, col = (origin.line, origin.col) if origin else (0, 0)
    _refuse_nesting(source, fn.name, line, col, blocks, loops)


def _refuse_nesting(
    source: SourceFile, name: str, line: int, col: int, blocks: int, loops: int
) -> None:
    """A located error if ``blocks`` or ``loops`` (nested at ``line:col``, a byte
    offset as ``ast`` counts) is past its limit."""
    if loops > MAX_LOOP_NESTING:
        message = (
            f"loops nested more than {MAX_LOOP_NESTING} deep in `{name}` "
            "(counting the loops of inlined helpers): Python 3.11 and 3.12 compile "
            f"at most {MAX_LOOP_NESTING}"
        )
        hint = "move the inner loops into a function of their own with a custom rule, or vectorize one of them"
    elif blocks > MAX_BLOCK_NESTING:
        message = (
            f"blocks nested more than {MAX_BLOCK_NESTING} deep in `{name}`, counting "
            "`elif` branches, the code after an early `return` or `break` (it moves "
            "into the `else`), conditional expressions and inlined helpers: the "
            "generated code would nest too deeply for Python"
        )
        hint = "choose between values with np.where(cond, a, b) instead of branching, or split the function"
    else:
        return
    where = (
        Location.of(ast.Pass(lineno=line, col_offset=col), source)
        if line
        else Location(source.path)
    )
    raise SizeLimit(message, where, hint=hint)
