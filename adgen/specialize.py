"""Stage 5b, specialize: respell adjoint statements where the known shapes allow a faster form.

The rules and the reverse sweep write general code; with shapes known
statically (declarations, and what the shape pass infers from them), a few
expressions have a cheaper spelling that computes the same value:

    np.sum(a * b)  ->  np.vdot(a, b)     a and b of one known shape, rank >= 1:
                                         one BLAS dot, no temporary product
    np.sum(g)      ->  g.sum()           g a computed array (rank >= 1, not a
                                         parameter): the method skips np.sum's
                                         Python-level dispatch

The weight and bias adjoints of the lab's scalar-style network are exactly
these (``w41_bar = np.sum(n32_bar * h1)``, ``b4_bar = np.sum(y1_bar)``, 441
points): together they made its gradient 1.5x the hand-written one.  Nothing
is rewritten where a shape is unknown or the operands could broadcast: vdot
flattens its operands, so it is only the sum of products for equal shapes.
    np.sum(g, axis=0) -> g.sum(axis=0)   the same, along an axis (a bias adjoint)
    s * (2 * a)     ->  2 * s * a        s a scalar: one pass over the array fewer
    np.size(a)      ->  441              a's shape known in numbers, (441, 1)

The last two come with a mean's adjoint, which stays a scalar where
broadcasting spreads it (``reverse._broadcast_spreads``): ``n13_bar = 1.0 /
np.size(n12)`` (``1.0 / 441`` with ``--like X=f64[441,2],...``) then
``n12_bar = 2 * n13_bar * n12``, the hand-written ``(y - t) * (2 / n)``.
Visible in ``--dump reverse``.
"""

from __future__ import annotations

import ast
import math
from dataclasses import fields, is_dataclass, replace
from typing import Any

from .expr import numpy_function
from .graph import Graph
from .naming import bar
from .reverse import AdjointBlock, Backward, spread_adjoints
from .shapes import SCALAR, Shape


def specialize(graph: Graph, backward: Backward) -> Backward:
    """``backward`` with each adjoint statement respelled where shapes allow."""
    shapes = _shapes_by_name(graph)
    rewrite = _Respell(shapes, computed=set(shapes) - set(graph.fn.params))
    return replace(backward, blocks=[_respelled(b, rewrite) for b in backward.blocks])


def _respelled(item: Any, rewrite: ast.NodeTransformer) -> Any:
    """A copy of an adjoint block (or of an ``if``/loop of blocks, recursively) with
    every adjoint statement respelled; the control flow itself is left as it is."""
    if isinstance(item, AdjointBlock):
        return replace(item, statements=[rewrite.visit(s) for s in item.statements])
    nested = {
        f.name: [_respelled(x, rewrite) for x in getattr(item, f.name)]
        for f in fields(item)
        if isinstance(getattr(item, f.name), list)
        and all(_is_item(x) for x in getattr(item, f.name))
    }
    return replace(item, **nested)


def _is_item(value: Any) -> bool:
    return is_dataclass(value) and hasattr(value, "__dataclass_fields__")


def _shapes_by_name(graph: Graph) -> dict[str, Shape]:
    """The shape of every primal name and of its adjoint (an adjoint has its primal's
    shape, but for a spread adjoint, a scalar)."""
    primal = set(graph.fn.params) | {e.out for e in graph.eqns}
    shapes = {n: graph.shapes.get(n) for n in primal}
    shapes.update({bar(n, primal): shapes[n] for n in primal})
    shapes.update({n: SCALAR for n in spread_adjoints(graph)})
    return shapes


class _Respell(ast.NodeTransformer):
    def __init__(self, shapes: dict[str, Shape], computed: set[str]):
        self.shapes = shapes
        self.computed = computed  # names the emitted code assigns: numpy results

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        """``s * (2 * a)``, ``s`` a scalar, ``a`` an array -> ``2 * s * a``: the constant
        scales the scalar, not every element of the array."""
        self.generic_visit(node)
        inner = node.right
        if (
            isinstance(node.op, ast.Mult)
            and isinstance(node.left, ast.Name)
            and self.shapes.get(node.left.id) == SCALAR
            and isinstance(inner, ast.BinOp)
            and isinstance(inner.op, ast.Mult)
            and isinstance(inner.left, ast.Constant)
            and type(inner.left.value) in (int, float)
        ):
            scaled = ast.BinOp(inner.left, ast.Mult(), node.left)
            return ast.BinOp(scaled, ast.Mult(), inner.right)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        size = self._known_size(node)
        if size is not None:  # np.size(n12) -> 441
            return ast.Constant(size)
        if (
            numpy_function(node) == "sum"
            and len(node.args) == 1
            and [k.arg for k in node.keywords] == ["axis"]
            and self._is_computed_array(node.args[0])
        ):  # np.sum(g, axis=0) -> g.sum(axis=0)
            method = ast.Attribute(node.args[0], "sum", ast.Load())
            return ast.Call(method, [], node.keywords)
        if not (
            numpy_function(node) == "sum" and len(node.args) == 1 and not node.keywords
        ):
            return node
        (summed,) = node.args
        if (
            isinstance(summed, ast.BinOp)
            and isinstance(summed.op, ast.Mult)
            and self._same_array_shape(summed.left, summed.right)
        ):
            vdot = ast.Attribute(ast.Name("np", ast.Load()), "vdot", ast.Load())
            return ast.Call(vdot, [summed.left, summed.right], [])
        if self._is_computed_array(summed):
            return ast.Call(ast.Attribute(summed, "sum", ast.Load()), [], [])
        return node

    def _known_size(self, node: ast.Call) -> int | None:
        """The value of ``np.size(name)`` where the name's shape is known in numbers."""
        if not (
            numpy_function(node) == "size"
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Name)
        ):
            return None
        shape = self.shapes.get(node.args[0].id)
        if not isinstance(shape, tuple) or not all(type(d) is int for d in shape):
            return None
        return math.prod(shape)

    def _is_computed_array(self, node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Name)
            and node.id in self.computed
            and _is_array(self.shapes.get(node.id))
        )

    def _same_array_shape(self, a: ast.expr, b: ast.expr) -> bool:
        """Both names, with one fully known shape of rank >= 1 (symbolic sizes count:
        equal names mean equal sizes)."""
        if not (isinstance(a, ast.Name) and isinstance(b, ast.Name)):
            return False
        shape = self.shapes.get(a.id)
        return _is_array(shape) and None not in shape and self.shapes.get(b.id) == shape


def _is_array(shape: Shape) -> bool:
    return isinstance(shape, tuple) and len(shape) >= 1
