"""Stage 6a, fuse: in each straight-line ``grad_f``, forward the seed and adjoint copies.

``backward_f`` spells out every step the lecture does (``n5_bar = n7_bar``,
``n3_bar = n5_bar``); ``grad_f`` is the fast path for training, so there a name
assigned once from another name or a number is replaced by what it holds, the
seed ``1.0`` is folded into the expressions that read it, and the simplifier
tidies the result (``1.0 * x2`` -> ``x2``, ``-1.0 * np.cos(x2)`` ->
``-np.cos(x2)``).  For the lecture's function the backward part of ``grad_g``
becomes four statements, the hand-derived gradient:

    x2_bar = -np.cos(x2)
    x1_bar = x2
    x2_bar = x2_bar + x1
    x1_bar = x1_bar + 1.0 / x1

On the float path (``scalars.py``, functions of Python floats) each value read
once is then folded into its reader (``fold_single_uses``), and those four
become two: ``x2_bar = x1 - math.cos(x2)``, ``x1_bar = x2 + 1.0 / x1``.

Values do not change (the simplifier keeps inf and nan as they are).  Functions
with loops or branches are left as they are, and so are ``forward_f`` and
``backward_f``.  Visible in ``adgen compile --dump emit``.
"""

from __future__ import annotations

import ast
import copy
from collections import Counter

from .graph import Graph
from .naming import bar
from .simplify import simplify

SIMPLE = (ast.Assign, ast.Return, ast.Pass, ast.Expr, ast.If, ast.Raise)


def forward_copies(module: str, graphs: list[Graph]) -> str:
    """``module`` (emitted text, one statement per line) with each straight-line
    ``grad_f``'s copies forwarded."""
    lines = module.split("\n")
    tree = ast.parse(module)
    fused = {
        f"{prefix}{g.fn.name}": g
        for g in graphs
        if g.straight_line
        for prefix in ("grad_", "value_and_grad_")
    }
    edits: dict[int, str | None] = {}  # line (1-based) -> new text, None: delete
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef) and fn.name in fused:
            edits.update(_function_edits(fn, lines, _typed_gradients(fused[fn.name])))
            edits.update(_orphan_comments(fn, lines, edits))
    for line in sorted(edits, reverse=True):
        if edits[line] is None:
            del lines[line - 1]
        else:
            lines[line - 1] = edits[line]  # type: ignore[assignment]
    return "\n".join(lines)


def _typed_gradients(graph: Graph) -> dict[str, str]:
    """``x_bar`` -> ``x`` for the ``wrt`` parameters not declared Python numbers:
    a gradient the seed folds to a number (d(-x)/dx = -1.0) takes their dtype."""
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    return {bar(p, primal): p for p in graph.fn.wrt if p not in set(graph.fn.numbers)}


def _function_edits(
    fn: ast.FunctionDef, lines: list[str], typed: dict[str, str]
) -> dict[int, str | None]:
    assigned = Counter(
        t.id
        for s in fn.body
        if isinstance(s, ast.Assign)
        for t in s.targets
        if isinstance(t, ast.Name)
    )
    indexed = {  # g[i], g.sum(): a number is not put there (nor forwarded from there)
        n.value.id
        for n in ast.walk(fn)
        if isinstance(n, ast.Subscript | ast.Attribute)
        and isinstance(n.value, ast.Name)
    }
    returned = {  # the gradients keep their names: x1_bar, not what it copies; so do
        # the names a statement spanning lines reads (the run-time scalar check),
        # which is not rewritten
        n.id
        for s in fn.body
        if isinstance(s, ast.Return) or s.lineno != s.end_lineno
        for n in ast.walk(s)
        if isinstance(n, ast.Name)
    }
    replace: dict[str, ast.expr] = {}
    edits: dict[int, str | None] = {}
    remaining = Counter(assigned)  # assignments of each name still to come
    for stmt in fn.body:
        if (
            not isinstance(stmt, ast.Assign | ast.Return)
            or stmt.lineno != stmt.end_lineno
        ):
            continue  # the guard's `if ... raise` spans lines; it reads the primal only
        new = _Substitute(replace).visit(simplify(stmt)) if replace else stmt
        new = simplify(new)
        if isinstance(new, ast.Assign) and isinstance(new.targets[0], ast.Name):
            remaining[new.targets[0].id] -= 1
            if not remaining[new.targets[0].id]:
                new = _typed_constant(new, typed)
        if isinstance(new, ast.Assign) and _is_copy(new, assigned, indexed, returned):
            replace[new.targets[0].id] = new.value  # type: ignore[union-attr]
            edits[stmt.lineno] = None
        elif ast.dump(new) != ast.dump(stmt):
            indent = lines[stmt.lineno - 1][: stmt.col_offset]
            edits[stmt.lineno] = indent + ast.unparse(new)
    return edits


def _is_copy(
    stmt: ast.Assign, assigned: Counter, indexed: set[str], returned: set[str]
) -> bool:
    """``a = b`` or ``a = 1.0`` with ``a`` and ``b`` each assigned only here (or never),
    ``a`` not returned, and no number put where ``a`` is indexed (``1.0.sum()``)."""
    target, value = stmt.targets[0], stmt.value
    if len(stmt.targets) != 1 or not isinstance(target, ast.Name):
        return False
    if assigned[target.id] != 1 or target.id in returned:
        return False
    if isinstance(value, ast.Name):
        return assigned[value.id] <= 1
    return _is_number(value) and target.id not in indexed


def _typed_constant(stmt: ast.Assign, typed: dict[str, str]) -> ast.Assign:
    """The last assignment of a gradient ``x_bar`` in ``typed``: if its value is a
    number (the folded seed 1.0 times constants, or numbers added to ``x_bar``),
    ``np.full_like(x, value)``, which has ``x``'s dtype, where the Python float
    would make a float32 gradient a Python float."""
    target = stmt.targets[0].id  # type: ignore[attr-defined]
    names = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
    if target not in typed or not names <= {target} or not _is_arithmetic(stmt.value):
        return stmt
    full_like = ast.Attribute(ast.Name("np", ast.Load()), "full_like", ast.Load())
    value = ast.Call(full_like, [ast.Name(typed[target], ast.Load()), stmt.value], [])
    return ast.Assign(stmt.targets, value, lineno=stmt.lineno)


def _is_arithmetic(node: ast.expr) -> bool:
    """Numbers and names combined by arithmetic operators only (no calls)."""
    if isinstance(node, ast.BinOp):
        return _is_arithmetic(node.left) and _is_arithmetic(node.right)
    if isinstance(node, ast.UnaryOp):
        return _is_arithmetic(node.operand)
    return isinstance(node, ast.Name) or _is_number(node)


def _is_number(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


class _Substitute(ast.NodeTransformer):
    def __init__(self, replace: dict[str, ast.expr]):
        self.replace = replace

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if isinstance(node.ctx, ast.Load) and node.id in self.replace:
            return self.replace[node.id]
        return node


def fold_single_uses(body: list[ast.stmt], width: int = 60) -> list[ast.stmt]:
    """``body`` (straight-line statements) with each name that is read once folded
    into the statement that reads it, while that statement's value stays within
    ``width`` characters: ``n3 = math.log(x1); n5 = n3 + n4`` -> ``n5 =
    math.log(x1) + n4``.  For scalar code, where a statement costs as much as an
    operation; the names ``return`` reads are kept.  Values do not change: the
    same operations run in the same order on the same operands (``ast.unparse``
    parenthesizes what a fold nests).  One pass from the last statement up: a
    statement's readers below it are final when it is considered."""
    body = list(body)
    reads = [Counter(_loads(s)) for s in body]
    writes = [_stores(s) for s in body]
    for i in range(len(body) - 1, -1, -1):
        j = _sole_reader(body, reads, writes, i)
        if j is None:
            continue
        name, value = body[i].targets[0].id, body[i].value  # type: ignore[attr-defined]
        reader = simplify(_Substitute({name: value}).visit(copy.deepcopy(body[j])))
        if len(ast.unparse(reader.value)) <= width:  # type: ignore[attr-defined]
            body[j], reads[j] = reader, Counter(_loads(reader))
            del body[i], reads[i], writes[i]
    return body


def _sole_reader(
    body: list[ast.stmt], reads: list[Counter], writes: list[set[str]], i: int
) -> int | None:
    """The index of the one assignment after ``body[i]`` that reads the name
    ``body[i]`` assigns, if nothing in between reassigns (or deletes) a name
    ``body[i]`` reads."""
    stmt = body[i]
    if not (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        return None
    name, operands = stmt.targets[0].id, set(reads[i])
    readers = []
    for j in range(i + 1, len(body)):
        readers += [j] * reads[j][name]
        if name in writes[j] or len(readers) > 1:
            break
        if writes[j] & operands and not readers:
            return None
    if len(readers) != 1 or not isinstance(body[readers[0]], ast.Assign):
        return None
    return readers[0]


def _loads(node: ast.AST) -> list[str]:
    """The names ``node`` reads; ``del x`` counts as a read (and a store) of x."""
    return [
        n.id
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load | ast.Del)
    ]


def _stores(node: ast.AST) -> set[str]:
    """The names ``node`` rebinds, deletes or changes in place (``x[i] = v``)."""
    stored = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del):
            stored.add(n.id)
        elif isinstance(n, ast.Subscript | ast.Attribute) and isinstance(
            n.ctx, ast.Store | ast.Del
        ):
            stored |= {m.id for m in ast.walk(n.value) if isinstance(m, ast.Name)}
    return stored


def _orphan_comments(
    fn: ast.FunctionDef, lines: list[str], edits: dict[int, str | None]
) -> dict[int, None]:
    """Comments whose statements were all forwarded: deleted with them."""
    orphans: dict[int, None] = {}
    comment = None
    for number in range(fn.lineno, (fn.end_lineno or fn.lineno) + 1):
        text = lines[number - 1].strip()
        if text.startswith("#") or text.startswith("return "):
            if comment is not None:
                orphans[comment] = None
            comment = number if text.startswith("#") else None
        elif text and not (number in edits and edits[number] is None):
            comment = None
    return orphans
