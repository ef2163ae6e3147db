"""Copy forwarding: in each straight-line fused gradient, forward the seed and adjoint copies.

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
``backward_f``.  Visible in ``adgen compile --dump optimize``.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import replace

from .. import program as P
from ..astcopy import clone
from ..graph import Graph
from ..naming import bar
from ..simplify import simplify_expr


def forward_copies(fn: P.Function, typed: dict[str, str] | None = None) -> P.Function:
    """``fn`` (a straight-line fused gradient) with its copies forwarded.  ``typed``
    (``x_bar`` -> ``x``): gradients that keep their parameter's dtype where the
    seed folds them to a number (``typed_gradients``)."""
    typed = typed or {}
    assigned = Counter(
        s.target for s in fn.body if isinstance(s, P.Assign | P.Accumulate)
    )
    indexed = _indexed(fn.body)
    returned = {  # the gradients keep their names (x1_bar, not what it copies); so
        # does the name the run-time scalar check reads
        n
        for s in fn.body
        if isinstance(s, P.Return | P.ScalarCheck)
        for n in P.reads(s)
    }
    replacements: dict[str, ast.expr] = {}
    body: list[P.Stmt] = []
    remaining = Counter(assigned)  # assignments of each name still to come
    for stmt in fn.body:
        if not isinstance(stmt, P.Assign | P.Accumulate | P.Return):
            body.append(stmt)
            continue
        value = stmt.value
        if replacements:  # simplified before too: as a name, n_bar in 1.0 * n_bar goes
            value = substitute(simplify_expr(value), replacements)
        value = simplify_expr(value)
        new = (
            replace(stmt, value=value)
            if isinstance(stmt, P.Return)
            else P.with_value(stmt, value)
        )
        if isinstance(new, P.Assign | P.Accumulate):
            remaining[new.target] -= 1
            if not remaining[new.target]:
                new = _typed_constant(new, typed)
        if isinstance(new, P.Assign) and _is_copy(new, assigned, indexed, returned):
            replacements[new.target] = new.value
        else:
            body.append(new)
    return replace(fn, body=tuple(_without_orphan_comments(body)))


def typed_gradients(graph: Graph) -> dict[str, str]:
    """``x_bar`` -> ``x`` for the ``wrt`` parameters not declared Python numbers:
    a gradient the seed folds to a number (d(-x)/dx = -1.0) takes their dtype."""
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    numbers = set(graph.fn.numbers)
    return {bar(p, primal): p for p in graph.fn.wrt if p not in numbers}


def _typed_constant(stmt: P.Assign | P.Accumulate, typed: dict[str, str]) -> P.Stmt:
    """The last assignment of a gradient ``x_bar`` in ``typed``: if its value is a
    number (the folded seed 1.0 times constants, or numbers added to ``x_bar``),
    ``value * np.ones_like(x)``, which has ``x``'s float dtype, where the
    Python float would make a float32 gradient a Python float; an integer
    ``x`` gets float64 (``np.full_like(x, 0.25)`` would be 0)."""
    names = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
    if (
        stmt.target not in typed
        or not names <= {stmt.target}
        or not _is_arithmetic(stmt.value)
    ):
        return stmt
    ones_like = ast.Attribute(ast.Name("np", ast.Load()), "ones_like", ast.Load())
    ones = ast.Call(ones_like, [ast.Name(typed[stmt.target], ast.Load())], [])
    return P.Assign(stmt.target, ast.BinOp(stmt.value, ast.Mult(), ones))


def _is_arithmetic(node: ast.expr) -> bool:
    """Numbers and names combined by arithmetic operators only (no calls)."""
    if isinstance(node, ast.BinOp):
        return _is_arithmetic(node.left) and _is_arithmetic(node.right)
    if isinstance(node, ast.UnaryOp):
        return _is_arithmetic(node.operand)
    return isinstance(node, ast.Name) or _is_number(node)


def _indexed(body: tuple[P.Stmt, ...]) -> set[str]:
    """Names read as ``g[i]`` or ``g.sum()``: a number is not put there (nor
    forwarded from there)."""
    return {
        n.value.id
        for s in body
        for e in P.expressions(s)
        for n in ast.walk(e)
        if isinstance(n, ast.Subscript | ast.Attribute)
        and isinstance(n.value, ast.Name)
    }


def _is_copy(
    stmt: P.Assign, assigned: Counter, indexed: set[str], returned: set[str]
) -> bool:
    """``a = b`` or ``a = 1.0`` with ``a`` and ``b`` each assigned only here (or never),
    ``a`` not returned, and no number put where ``a`` is indexed (``1.0.sum()``)."""
    if assigned[stmt.target] != 1 or stmt.target in returned:
        return False
    if isinstance(stmt.value, ast.Name):
        return assigned[stmt.value.id] <= 1
    return _is_number(stmt.value) and stmt.target not in indexed


def _is_number(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _without_orphan_comments(body: list[P.Stmt]) -> list[P.Stmt]:
    """Comments whose statements were all forwarded go with them."""
    out: list[P.Stmt] = []
    pending: int | None = (
        None  # the index in ``out`` of a comment with no statement yet
    )
    for stmt in body:
        if isinstance(stmt, P.Comment | P.Return) and pending is not None:
            del out[pending]
        pending = len(out) if isinstance(stmt, P.Comment) else None
        out.append(stmt)
    return out


def substitute(node: ast.expr, replacements: dict[str, ast.expr]) -> ast.expr:
    """A copy of ``node`` with each name read in ``replacements`` replaced."""
    if not replacements:
        return node
    return _Substitute(replacements).visit(clone(node))


class _Substitute(ast.NodeTransformer):
    def __init__(self, replacements: dict[str, ast.expr]):
        self.replacements = replacements

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if isinstance(node.ctx, ast.Load) and node.id in self.replacements:
            return clone(self.replacements[node.id])
        return node


def fold_single_uses(body: list[P.Stmt], width: int = 60) -> list[P.Stmt]:
    """``body`` (straight-line statements) with each name that is read once folded
    into the statement that reads it, while that statement's value stays within
    ``width`` characters: ``n3 = math.log(x1); n5 = n3 + n4`` -> ``n5 =
    math.log(x1) + n4``.  For scalar code, where a statement costs as much as an
    operation; the names ``return`` reads are kept.  Values do not change: the
    same operations run in the same order on the same operands (``ast.unparse``
    parenthesizes what a fold nests).  One pass from the last statement up: a
    statement's readers below it are final when it is considered."""
    body = list(body)
    reads = [Counter(P.reads(s)) for s in body]
    writes = [P.writes(s) for s in body]
    for i in range(len(body) - 1, -1, -1):
        j = _sole_reader(body, reads, writes, i)
        if j is None:
            continue
        folded, reader = body[i], body[j]
        value = simplify_expr(substitute(reader.value, {folded.target: folded.value}))
        if len(ast.unparse(value)) <= width:
            body[j] = P.with_value(reader, value)
            reads[j] = Counter(P.reads(body[j]))
            del body[i], reads[i], writes[i]
    return body


def _sole_reader(
    body: list[P.Stmt], reads: list[Counter], writes: list[set[str]], i: int
) -> int | None:
    """The index of the one assignment after ``body[i]`` that reads the name
    ``body[i]`` assigns, if nothing in between reassigns (or deletes) a name
    ``body[i]`` reads."""
    stmt = body[i]
    if not isinstance(stmt, P.Assign | P.Accumulate):
        return None
    name, operands = stmt.target, set(reads[i])
    readers: list[int] = []
    for j in range(i + 1, len(body)):
        readers += [j] * reads[j][name]
        if name in writes[j] or len(readers) > 1:
            break
        if writes[j] & operands and not readers:
            return None
    if len(readers) != 1 or not isinstance(body[readers[0]], P.Assign | P.Accumulate):
        return None
    return readers[0]
