"""The array-API target: every emitted function respelled in the array API standard.

``adgen compile --target array-api`` runs this ``Program -> Program`` pass
last.  Each emitted function binds its namespace once, on entry, from its
arguments, ``xp = array_namespace(X, T, W1, b1, W2, b2)`` (runtime_xp.py), and
every numpy spelling becomes the standard's:

* ``np.<fn>(...)`` -> ``xp.<name>(...)``, the name the primitive's record gives
  (``Primitive.array_api``: ``np.arcsin`` -> ``xp.asin``, ``np.concatenate``
  -> ``xp.concat``); a positional axis becomes the keyword the standard asks;
  ``math.<fn>`` (a model's ``math.sin``) likewise: 0-d arrays, not floats;
* what the standard lacks -> the runtime_xp helper of that name where there
  is one (``np.outer`` -> ``outer``, ``np.size`` -> ``size_of``), else a
  located refusal that names the construct and the target;
* array methods -> functions (``g.sum(axis=0)`` -> ``xp.sum(g, axis=0)``),
  ``x.T`` -> ``transpose(x)`` (numpy's, every axis reversed);
* ``np.vdot(a, b)``, specialize.py's spelling of ``np.sum(a * b)``, back to
  ``xp.sum(a * b)`` (the standard's ``vecdot`` contracts one axis only);
* a boolean mask in arithmetic (``g * (x > 0)``) -> ``g * float_mask(x > 0, g)``:
  the standard does not multiply floats by booleans.

The Python-float fast paths (scalars.py's float path and ``scalar_math``,
arguments.py's rerun with numpy floats) are numpy's and are not run for this
target: scalars are 0-d arrays of the caller's library.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from .. import program as P
from ..errors import AdgenError, Location
from ..graph import Graph
from ..ir import all_eqns
from ..primitives import PRIMITIVES
from ..runtime import __all__ as NUMPY_HELPERS
from ..runtime_xp import __all__ as XP_HELPERS

TARGETS = ("numpy", "array-api")
NAMESPACE = "xp"
ENTRY = "array_namespace"

# The functions of the array API standard (2023.12) that a numpy name may map to.
STANDARD = frozenset(
    """abs acos acosh add asin asinh atan atan2 atanh ceil clip conj copysign cos cosh
    divide equal exp expm1 floor floor_divide greater greater_equal hypot imag
    isfinite isinf isnan less less_equal log log1p log2 log10 logaddexp logical_and
    logical_not logical_or logical_xor maximum minimum multiply negative not_equal
    positive pow real reciprocal remainder round sign signbit sin sinh square sqrt subtract tan
    tanh trunc arange asarray empty empty_like eye full full_like linspace ones
    ones_like zeros zeros_like astype result_type broadcast_to concat expand_dims
    flip moveaxis permute_dims repeat reshape roll squeeze stack tile argmax argmin
    where max mean min prod std sum var cumulative_sum all any matmul
    matrix_transpose tensordot vecdot take""".split()  # noqa: SIM905
)
# numpy names that are no primitive but that derivative rules write
RULE_NAMES = {"zeros_like": "zeros_like", "ones_like": "ones_like", "where": "where"}
# numpy names the standard lacks, or has with another meaning (its full_like
# fills with a number only), and the runtime_xp helper that stands for each
HELPERS = {
    "size": "size_of",
    "shape": "shape_of",
    "ndim": "ndim_of",
    "outer": "outer",
    "dot": "dot",
    "exp2": "exp2",
    "transpose": "transpose",
    "full_like": "full_like",
}
# standard functions whose numpy positional parameters are keyword-only there
KEYWORD_ONLY = {
    **dict.fromkeys(("sum", "mean", "max", "min", "prod", "std", "var"), ("axis",)),
    **dict.fromkeys(("concat", "stack", "expand_dims", "squeeze"), ("axis",)),
}
REDUCTION_METHODS = ("sum", "mean", "max", "min", "prod", "std", "var", "any", "all")
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


class NotInArrayApi(AdgenError):
    """A construct the array-API target cannot write in the standard."""

    hint = (
        "use --target numpy (the default) for this model, or write it with "
        "functions of the array API standard (see docs/how-to/array-api.md)"
    )


def numpy_to_standard() -> dict[str, str | None]:
    """Each numpy name a primitive is called by, to its name in the standard (None:
    the standard lacks it), from the records (``Primitive.array_api``)."""
    names: dict[str, str | None] = {}
    for prim in PRIMITIVES.values():
        aliases = [c.removeprefix("numpy.") for c in prim.calls if c[:6] == "numpy."]
        found = [_standard_name(prim.array_api, a) for a in [prim.name, *aliases]]
        standard = next((n for n in found if n), None)  # np.absolute: abs
        names.update(dict.fromkeys(aliases, standard))
    return names


def _standard_name(declared: str | None, numpy_name: str) -> str | None:
    if declared is None or declared:
        return declared
    return numpy_name if numpy_name in STANDARD else None


def math_to_numpy() -> dict[str, str]:
    """``math`` module names to the numpy name of the same primitive."""
    return {
        p.math: call.removeprefix("numpy.")
        for p in PRIMITIVES.values()
        if p.math
        for call in p.calls
        if call.startswith("numpy.")
    }


def to_array_api(program: P.Program, graphs: list[Graph]) -> P.Program:
    """``program`` with every function respelled for the array API standard."""
    by_model = {g.fn.name: g for g in graphs}
    standard, math_names = numpy_to_standard(), math_to_numpy()

    def respell(fn: P.Function) -> P.Function:
        graph = by_model.get(fn.model)
        ranks = _ranks(graph) if graph else {}
        return _function(fn, Respell(standard, math_names, ranks), graph)

    return program.with_functions(respell)


def _ranks(graph: Graph) -> dict[str, int]:
    """The rank of each value whose shape the shape pass knows."""
    return {n: len(s) for n, s in graph.shapes.items() if isinstance(s, tuple)}


def _function(fn: P.Function, spelling: Respell, graph: Graph | None) -> P.Function:
    comment = ""

    def statement(stmt: P.Stmt) -> P.Stmt:
        nonlocal comment
        if isinstance(stmt, P.Comment):
            comment = stmt.text
        try:
            return _statement(stmt, spelling, statement)
        except NotInArrayApi as refusal:
            raise NotInArrayApi(
                f"`{refusal.message}` in the gradient of `{fn.model}` has no "
                "array-API spelling (--target array-api)",
                _location(graph, comment),
            ) from None

    taken = {n for s in P.walk(fn.body) for n in P.writes(s)}
    taken |= {p.name for p in fn.params}
    clash = taken & ({NAMESPACE, ENTRY} | set(XP_HELPERS))
    if clash:
        raise NotInArrayApi(
            f"`{fn.model}` uses the name `{sorted(clash)[0]}`, which array-API "
            "gradient code binds (--target array-api)",
            _location(graph, ""),
            hint="rename that variable",
        )
    body = tuple(statement(s) for s in fn.body)
    args = [ast.Name(p.name, ast.Load()) for p in fn.params]
    entry = P.Assign(NAMESPACE, ast.Call(ast.Name(ENTRY, ast.Load()), args, []))
    return replace(fn, body=(entry, *body))


def _statement(stmt: P.Stmt, spelling: Respell, recurse) -> P.Stmt:
    """``stmt`` with its own expressions respelled and its blocks' statements
    given to ``recurse``."""
    if isinstance(stmt, P.FloatPath | P.Rerun):
        raise AssertionError("the numpy-float passes do not run for array-api")
    if isinstance(stmt, P.Assign | P.Accumulate | P.Unpack | P.Return):
        stmt = replace(stmt, value=spelling.expression(stmt.value))
    elif isinstance(stmt, P.If | P.While):
        stmt = replace(stmt, cond=spelling.expression(stmt.cond))
    elif isinstance(stmt, P.For):
        stmt = replace(stmt, iterable=spelling.expression(stmt.iterable))
    elif isinstance(stmt, P.ScalarCheck):
        stmt = replace(stmt, ndim=HELPERS["ndim"])
    if isinstance(stmt, P.If):
        return replace(
            stmt,
            then=tuple(map(recurse, stmt.then)),
            orelse=tuple(map(recurse, stmt.orelse)),
        )
    if isinstance(stmt, P.For | P.While):
        return replace(stmt, body=tuple(map(recurse, stmt.body)))
    return stmt


def _location(graph: Graph | None, statement: str) -> Location | None:
    """Where the model computes ``statement`` (the comment above the refused
    line), else where the model function is."""
    if graph is None:
        return None
    for eqn in all_eqns(graph.body):
        if eqn.origin and eqn.origin.text in statement:
            o = eqn.origin
            return Location(graph.fn.path, o.line, o.col, o.text)
    return Location(graph.fn.path)


class Respell(ast.NodeTransformer):
    """The rewriting of one expression: numpy spellings to the standard's."""

    def __init__(
        self,
        standard: dict[str, str | None],
        math_names: dict[str, str],
        ranks: dict[str, int],
    ):
        self.standard = standard
        self.math_names = math_names
        self.ranks = ranks  # known ranks: x[i] of a matrix is x[i, ...]

    def expression(self, node: ast.expr) -> ast.expr:
        import copy

        node = self.visit(copy.deepcopy(node))
        for inner in ast.walk(node):  # what no rule above respelled
            if isinstance(inner, ast.Name) and inner.id in ("np", "scipy"):
                raise NotInArrayApi(ast.unparse(_outermost(node, inner)))
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        f = node.func
        if isinstance(f, ast.Name) and f.id in set(NUMPY_HELPERS) - set(XP_HELPERS):
            raise NotInArrayApi(ast.unparse(node))  # a numpy-only runtime helper
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            module = f.value.id
            constants = all(isinstance(a, ast.Constant) for a in node.args)
            if module == "math" and constants:  # a Python float: math.log(2)
                return node
            if module == "math" and f.attr in self.math_names:
                return self._numpy_call(self.math_names[f.attr], node)
            if module == "np":
                return self._numpy_call(f.attr, node)
        if isinstance(f, ast.Attribute) and f.attr in (*REDUCTION_METHODS, "astype"):
            return _xp_call(f.attr, [f.value, *node.args], node.keywords)
        if isinstance(f, ast.Attribute) and f.attr == "reshape":
            shape = node.args[0] if len(node.args) == 1 else ast.Tuple(node.args)
            return _xp_call("reshape", [f.value, shape], node.keywords)
        return node

    def _numpy_call(self, name: str, node: ast.Call) -> ast.expr:
        if name == "vdot" and len(node.args) == 2:  # specialize.py's np.sum(a * b)
            product = ast.BinOp(node.args[0], ast.Mult(), node.args[1])
            return _xp_call("sum", [product], [])
        if name in HELPERS:  # the standard lacks it, or lacks numpy's meaning
            helper = ast.Name(HELPERS[name], ast.Load())
            return ast.Call(helper, node.args, node.keywords)
        standard = self.standard.get(name, RULE_NAMES.get(name))
        if standard is None:
            raise NotInArrayApi(ast.unparse(node))
        args, keywords = list(node.args), list(node.keywords)
        for keyword in KEYWORD_ONLY.get(standard, ())[: max(len(args) - 1, 0)]:
            keywords.insert(0, ast.keyword(keyword, args.pop(1)))
        return _xp_call(standard, args, keywords)

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        self.generic_visit(node)
        if ast.unparse(node.value) == "np.s_":  # np.s_[1:, 0]: a plain tuple
            return _index_value(node.slice)
        if isinstance(node.value, ast.Name) and node.value.id in self.ranks:
            node.slice = _full_index(node.slice, self.ranks[node.value.id])
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        if node.attr == "T" and isinstance(node.ctx, ast.Load):
            return ast.Call(
                ast.Name(HELPERS["transpose"], ast.Load()), [node.value], []
            )
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.op, ARITHMETIC):
            return node
        if _is_mask(node.right) and not _is_mask(node.left):
            node.right = _mask(node.right, node.left)
        elif _is_mask(node.left) and not _is_mask(node.right):
            node.left = _mask(node.left, node.right)
        return node


def _index_value(index: ast.expr) -> ast.expr:
    """An index as the value Python passes: ``1:, 0`` -> ``(slice(1, None), 0)``."""
    if isinstance(index, ast.Tuple):
        return ast.Tuple([_index_value(e) for e in index.elts], ast.Load())
    if isinstance(index, ast.Slice):
        bounds = [index.lower, index.upper, index.step]
        args = [b or ast.Constant(None) for b in bounds]
        args = args[:2] if index.step is None else args
        return ast.Call(ast.Name("slice", ast.Load()), args, [])
    return index


def _full_index(index: ast.expr, rank: int) -> ast.expr:
    """``i`` -> ``i, ...`` where ``index`` names fewer axes than ``rank``: the
    standard indexes every axis (numpy fills in the trailing ones)."""
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    named = [p for p in parts if not (isinstance(p, ast.Constant) and p.value is None)]
    if any(isinstance(p, ast.Constant) and p.value is Ellipsis for p in parts):
        return index
    if len(named) >= rank:
        return index
    return ast.Tuple([*parts, ast.Constant(Ellipsis)], ast.Load())


def _is_mask(node: ast.expr) -> bool:
    """A boolean array by its spelling: a comparison, or ``~``/``&``/``|`` of them."""
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert | ast.Not):
        return _is_mask(node.operand)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd | ast.BitOr):
        return _is_mask(node.left) or _is_mask(node.right)
    return False


def _mask(mask: ast.expr, like: ast.expr) -> ast.expr:
    return ast.Call(ast.Name("float_mask", ast.Load()), [mask, like], [])


def _xp_call(name: str, args: list[ast.expr], keywords: list[ast.keyword]) -> ast.Call:
    func = ast.Attribute(ast.Name(NAMESPACE, ast.Load()), name, ast.Load())
    return ast.Call(func, args, keywords)


def _outermost(root: ast.expr, name: ast.Name) -> ast.expr:
    """The attribute of ``name`` in ``root`` (``np.float32``), else ``name``."""
    for node in ast.walk(root):
        if isinstance(node, ast.Attribute) and node.value is name:
            return node
    return name


__all__ = ["TARGETS", "NotInArrayApi", "numpy_to_standard", "to_array_api"]
