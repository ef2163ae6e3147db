"""Joins and splits of sequences of arrays (primitives/stacking.py).

``np.vstack([a, b])`` (and hstack, column_stack, dstack, concatenate, stack)
is one node whose operands are the list's elements (a literal, or a name
bound to one, a tuple as well as a list); of one array, numpy reads its rows
as the sequence: one node with that array as its operand (``rows``).
``np.r_[a, 1:4]`` and ``np.c_[...]`` join their items too, a slice being the
constant ``np.arange`` numpy makes of it.  ``np.split(x, 3)`` (array_split,
hsplit, vsplit, dsplit) is a tuple of one node per part, so that the model
indexes it or unpacks it (``a, b = np.split(x, 2)``); the number of parts must
be known when compiling (an integer, or a literal list of indices).
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from ..errors import UndeclaredStructure
from ..ir import Atom, Const
from ..primitives.stacking import AXIS_FREE_SPLITS
from .binder import PRIMITIVE, Signature, bind_arguments
from .scope import Scope, Value

SPLIT_HINT = "split into sections that divide the axis (or use np.array_split)"
# the joins that take an axis, and the record of each when given one array
AXIS_JOINS = {"concatenate": "concatenate_rows", "stack": "stack_rows"}


class Sequences:
    """The lowerer's joins and splits of sequences of arrays, and the array numpy
    makes of a sequence where it reads one."""

    def as_array(self, value: Value, name: str | None = None) -> Atom:
        """The array numpy makes of a (nested) sequence of values: ``np.stack`` of its
        elements, a list constant where every element is a number."""
        if not isinstance(value, tuple):
            return value
        if isinstance(value, Parts) and value.ragged():
            self.fail_at(
                self.origin,
                f"the parts of this split have {value.ragged()}: numpy cannot "
                "make one array of them",
                "use np.split(x, n) (equal parts), or each part on its own "
                "(a, b, c = np.array_split(x, 3))",
            )
        if not value:
            return Const([])
        elements = [self.as_array(v) for v in value]
        if all(isinstance(e, Const) for e in elements):
            return Const([e.value for e in elements])
        return self.emit("stack", tuple(elements), {"axis": 0}, name)

    def array_operand(
        self, node: ast.expr, scope: Scope, name: str | None = None
    ) -> Atom:
        """An operand numpy reads as an array: a list of values is stacked."""
        return self.as_array(self.expr(node, scope, name), name)

    def join_call(
        self, node: ast.Call, join: str, scope: Scope, name: str | None
    ) -> Atom:
        """``np.vstack(xs)``, ``np.concatenate(xs, axis=1)``: one node."""
        takes_axis = join in AXIS_JOINS
        signature = Signature(
            f"np.{join}",
            ("arrays", "axis") if takes_axis else ("arrays",),
            ("arrays",),
            PRIMITIVE,
            keywords=("axis",) if takes_axis else (),
        )
        given = bind_arguments(self.module, node, signature, list(node.args))
        axis = self.static_param("axis", given["axis"], scope) if "axis" in given else 0
        arrays = self.expr(given["arrays"], scope)
        if isinstance(arrays, tuple):
            operands = tuple(self.as_array(v) for v in arrays)
            if not operands:
                self.fail(node, f"np.{join} of no arrays", "join at least one array")
            params = {"axis": axis} if takes_axis else {"rows": False, "axis": 0}
            return self.emit(join, operands, params, name)
        if (
            isinstance(arrays, str)
            and arrays in self.param_shapes
            and (self.known_shape(arrays) is None)
        ):
            param = ast.unparse(given["arrays"])
            self.fail(
                given["arrays"],
                f"np.{join} of the parameter `{param}`, whose shape or structure is "
                "not declared: an array (numpy joins its rows) or a list of arrays",
                f'declare which, @adgen.shapes({param}="2 3") or {param}=["3", "3"], '
                "or --like (the runtime API reads it from the arguments); or join a "
                f"list: np.{join}([a, b])",
                cls=UndeclaredStructure,
            )
        # one array: numpy joins its rows
        return self.emit(
            AXIS_JOINS.get(join, join), (arrays,), {"rows": True, "axis": axis}, name
        )

    def index_trick(
        self, node: ast.Subscript, trick: str, scope: Scope, name: str | None
    ) -> Atom:
        """``np.r_[x, c, 1:4]``, ``np.c_[x, y]``: the items, joined."""
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        operands = tuple(self.trick_item(item, trick, scope) for item in items)
        return self.emit(trick, operands, {"rows": False, "axis": 0}, name)

    def trick_item(self, item: ast.expr, trick: str, scope: Scope) -> Atom:
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            self.fail(
                item,
                f"np.{trick}[...] with a directive string ({item.value!r}) is not supported",
                "join with np.concatenate or np.stack and an axis",
            )
        if not isinstance(item, ast.Slice):
            return self.array_operand(item, scope)
        bounds = self.constant_index(item, scope)
        if not isinstance(bounds, slice) or bounds.stop is None:
            self.fail(
                item,
                f"a slice in np.{trick}[...] needs integer bounds known when compiling",
                "write np.arange(start, stop, step) with constants",
            )
        start = 0 if bounds.start is None else bounds.start
        step = 1 if bounds.step is None else bounds.step
        bounds_written = (
            (start, bounds.stop, step) if step != 1 else (start, bounds.stop)
        )
        if bounds_written[0] == 0 and len(bounds_written) == 2:
            bounds_written = (bounds.stop,)
        return self.emit("arange", tuple(map(Const, bounds_written)), {}, None)

    def split_call(self, node: ast.Call, split: str, scope: Scope) -> Value:
        """``np.split(x, 3, axis=1)``: a tuple of the parts, one node each."""
        takes_axis = split not in AXIS_FREE_SPLITS
        signature = Signature(
            f"np.{split}",
            ("ary", "indices_or_sections", "axis")[: 3 if takes_axis else 2],
            ("ary", "indices_or_sections"),
            PRIMITIVE,
            keywords=("axis",) if takes_axis else (),
        )
        given = bind_arguments(self.module, node, signature, list(node.args))
        x = self.array_operand(given["ary"], scope)
        sections = self.static(given["indices_or_sections"], "the sections", scope)
        axis = self.static_param("axis", given["axis"], scope) if "axis" in given else 0
        count = _part_count(sections)
        if count is None:
            self.fail(
                given["indices_or_sections"],
                f"np.{split} needs the number of parts known when compiling",
                "give a constant integer, or a literal list of indices",
            )
        params: dict[str, Any] = {"sections": sections, "axis": axis}
        shapes = self.part_shapes(
            node, split, x, sections, axis if takes_axis else None
        )
        parts = tuple(
            self.emit(f"{split}_part", (x,), {**params, "part": i}, None)
            for i in range(count)
        )
        # np.split(x, n) makes equal parts (or numpy refuses); other splits may not
        equal = count == 1 or (split != "array_split" and isinstance(sections, int))
        return Parts(parts, shapes, equal)

    def part_shapes(
        self, node: ast.Call, split: str, x: Atom, sections: Any, axis: int | None
    ) -> list[tuple[int, ...]] | None:
        """The parts' shapes, where ``x``'s shape is known when compiling (declared,
        or the runtime API's); a split numpy would refuse is refused here."""
        shape = self.known_shape(x)
        if shape is None:
            return None
        where = () if axis is None else (axis,)
        try:  # a view of one zero: no memory, whatever the shape
            parts = getattr(np, split)(np.broadcast_to(0.0, shape), sections, *where)
        except (ValueError, IndexError) as error:
            self.fail(
                node, f"np.{split} of an array of shape {shape}: {error}", SPLIT_HINT
            )
        return [p.shape for p in parts]

    def known_shape(self, x: Atom) -> tuple[int, ...] | None:
        """The shape of the parameter ``x`` where it is known when compiling
        (declared, or the runtime API's); None elsewhere."""
        shape = self.param_shapes.get(x) if isinstance(x, str) else None
        if isinstance(shape, tuple) and all(isinstance(d, int) for d in shape):
            return shape
        return None


class Parts(tuple):
    """The parts of a split, and their shapes where known: an array of parts of
    different shapes is refused when compiling (numpy cannot make one)."""

    shapes: list[tuple[int, ...]] | None
    equal: bool  # equal in shape whatever the array's shape

    def __new__(
        cls, parts: tuple, shapes: list[tuple[int, ...]] | None, equal: bool
    ) -> Parts:
        made = super().__new__(cls, parts)
        made.shapes, made.equal = shapes, equal
        return made

    def ragged(self) -> str | None:
        """Why the parts may differ in shape (None: they do not)."""
        if self.equal:
            return None
        if self.shapes is not None:
            return (
                f"different shapes {self.shapes}" if len(set(self.shapes)) > 1 else None
            )
        return "different shapes unless the axis divides evenly"


def _part_count(sections: Any) -> int | None:
    """How many parts numpy's split makes: ``n`` of an integer, one more than the
    indices of a list; None where that is not known."""
    if isinstance(sections, bool):
        return None
    if isinstance(sections, int):
        return sections if sections > 0 else None
    if isinstance(sections, list | tuple) and all(
        isinstance(s, int) and not isinstance(s, bool) for s in sections
    ):
        return len(sections) + 1
    return None
