"""Random well-formed adgen programs, for the property-based tests in ``test_fuzz.py``.

``programs()`` is a Hypothesis strategy.  Each example is a ``Program``: the text
of a small model module (imports, literal module constants, helper functions,
and a target ``def f(...)`` returning a scalar) and a point to evaluate it at.
Programs stay inside adgen's supported language (README, "Supported language"):

* 1-4 parameters, each a scalar (``s`` or ``s: float``) or an array of shape
  (3,), (2, 3), (3, 1), (1, 3) or (2, 1, 3), sometimes declared with a *correct*
  ``@shapes(...)`` decorator or string annotation; one program in five has
  scalars only (with ``float``, the float path of ``grad_f``);
* assignments, re-assignments, augmented assignments (on scalars, and on arrays
  that nothing else can see), tuple unpacking (of tuples, of arrays, and of
  helpers returning two values), calls to helpers (helpers call helpers);
* powers with integer (``x ** 3``, ``x ** 1``), zero (``x ** 0``, ``x ** 0.0``,
  ``np.power(x, 0)``) and negative (``x ** -2``, over bases away from 0 of
  either sign) exponents, exponents that are module constants (``x ** P``) or
  data: a parameter ``deg`` after the others, not differentiated, of integer
  values (0 included), a Python int or float when scalar;
* module constants: literals (``SCALE``, ``K``, ``IDX``, ``P``, the list
  ``W``), and ``GAIN``, rebound at module level (``GAIN = GAIN * 2.0``), which
  adgen must refuse wherever ``f`` reads it (``Program.first_literal_text`` is
  not None in those programs);
* arguments: Python floats for scalars, float64 (or float32) arrays, and in
  ``Program.list_inputs`` programs also nested lists for the arrays;
* every operator and function adgen differentiates, with numpy broadcasting,
  reductions with ``axis``/``keepdims``, matmul/dot/outer/trace, transpose,
  reshape, indexing and slicing, concatenate/stack;
* control flow, nested two deep, in ``f`` and in helpers: ``if``/``elif``/``else``
  and ``a if c else b`` on scalar tests (``np.sum(a) > 0.3``, ``it == 1``);
  ``for`` over ``range`` of small constants or of a dimension, and over the rows
  of an array; ``while count < 3`` and ``while z < 2.0`` (``z`` grows by at
  least 0.36 a trip); ``break``, ``continue`` and early ``return`` ending a
  branch (or a loop body); loop variables in expressions and indexes (``x[it]``).
  Every name keeps one shape wherever it is live; a name a loop carries keeps
  one bound trip after trip (what the body assigns to it is squashed below it),
  so no loop blows values up.  Not drawn: in-place updates (``x += ...``) of a
  name a loop carries before the body rebinds it, which adgen does not check
  yet (tests/fuzz_regressions/018-021).

The generator tracks the shape of every value, so every program is valid
numpy, and an upper bound on its magnitude, so that ``exp`` never overflows:
arguments are squashed (``np.tanh(e)``) where a bound would be exceeded, and
functions with a restricted domain get arguments inside it (``np.log(e * e +
0.5)``, ``np.arcsin(0.5 * np.tanh(e))``, division by ``np.abs(e) + 0.5``).
Kinks (abs, maximum, clip, where, max, %, ...) and branch switches are
generated freely: the points are generic (a grid plus an irrational jitter) and
the tests reject the rare point that lies within ~2e-3 of a kink or of a switch
(by a finite-difference smoothness check, and by comparing the branches taken
at every point the differences evaluate), without involving adgen.

``singular_programs()`` draws small programs at a *singular* point instead:
terms such as ``np.log(z)``, ``1.0 / z``, ``z ** -1``, ``z ** 0`` at z == 0
(a Python float, or an array with zeros), which only autograd can judge.

Hypothesis shrinks a failing program by shrinking the choices that built it:
the simplest choice in every list comes first.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from hypothesis import strategies as st

# --------------------------------------------------------------------------
# shapes
# --------------------------------------------------------------------------
Shape = tuple[int, ...]
PARAM_SHAPES: list[Shape] = [(3,), (2, 3), (3, 1), (1, 3), (2, 1, 3)]
# Shapes a statement may be given (parameters' shapes and what broadcasting makes).
STATEMENT_SHAPES: list[Shape] = [(), *PARAM_SHAPES, (3, 3), (2,), (2, 3, 3)]
# Every shape an intermediate value may have: rank <= 3, each dimension 1-3.
ALL_SHAPES: list[Shape] = [
    s for r in range(4) for s in itertools.product((1, 2, 3), repeat=r)
]
MAX_BOUND = 40.0
NODE_BUDGET = 30  # operations per program (inlined helpers count at each call): keeps
# the generated code, and black's time to format it, small
HELPER_BUDGET = 15  # values larger than this (as far as bounds tell) are squashed


def size(shape: Shape) -> int:
    return math.prod(shape)


def broadcast(*shapes: Shape) -> Shape | None:
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


@cache
def into(shape: Shape) -> list[Shape]:
    """Shapes that broadcast into ``shape`` (an operand of an elementwise op giving ``shape``)."""
    return [s for s in ALL_SHAPES if s != shape and broadcast(s, shape) == shape]


@cache
def broadcast_pairs(shape: Shape) -> list[tuple[Shape, Shape]]:
    """Pairs of shapes, neither equal to ``shape``, that broadcast to ``shape``: (3, 1), (1, 3)."""
    return [
        (a, b)
        for a in ALL_SHAPES
        for b in ALL_SHAPES
        if a != shape and b != shape and broadcast(a, b) == shape and a and b
    ]


def _result(fn) -> Shape | None:
    try:
        return tuple(np.shape(fn()))
    except (ValueError, IndexError, TypeError):
        return None


@cache
def reductions_to(shape: Shape) -> list[tuple[Shape, object, bool]]:
    """(operand shape, axis, keepdims) whose reduction has ``shape``."""
    out = []
    for t in ALL_SHAPES:
        axes: list[object] = [None, *range(len(t)), *range(-len(t), 0)]
        if len(t) == 3:
            axes += [(0, 2), (1, 2), (0, 1)]
        for axis, keep in itertools.product(axes, (False, True)):
            if len(t) == 0 and (axis is not None or keep):
                continue
            got = _result(
                lambda t=t, a=axis, k=keep: np.sum(np.zeros(t), a, keepdims=k)
            )
            if got == shape and t != shape:
                out.append((t, axis, keep))
    return out


@cache
def products_to(shape: Shape, kind: str) -> list[tuple[Shape, Shape]]:
    """Operand shapes of ``a @ b`` (``np.dot(a, b)``, ``np.outer(a, b)``) giving ``shape``."""
    fn = {"matmul": np.matmul, "dot": np.dot, "outer": np.outer}[kind]
    out = []
    for a in ALL_SHAPES:
        for b in ALL_SHAPES:
            if kind == "matmul" and (not a or not b):
                continue
            if kind == "dot" and (not a or not b or len(a) + len(b) > 4):
                continue
            if kind == "outer" and (not a or not b or len(a) + len(b) > 3):
                continue
            if _result(lambda a=a, b=b: fn(np.zeros(a), np.zeros(b))) == shape:
                out.append((a, b))
    return out


INDEXES = [
    "[0]",
    "[-1]",
    "[1]",
    "[:, 0]",
    "[:, -1]",
    "[0, 1]",
    "[1:]",
    "[:2]",
    "[::-1]",
    "[-2:]",
    "[:, 1:]",
    "[:, None]",
    "[None]",
    "[None, :]",
    "[..., 0]",
    "[..., None]",
    "[:, :, 0]",
    "[0, :, 1]",
    "[1, 0]",
    "[::2]",
    "[:, ::-1]",
    "[IDX]",
    "[:, IDX]",
    "[np.newaxis]",
]


@cache
def indexes_to(shape: Shape) -> list[tuple[Shape, str]]:
    """(operand shape, index text) whose indexing gives ``shape``."""
    out = []
    for t in ALL_SHAPES:
        if not t:
            continue
        for ix in INDEXES:
            text = ix.replace("IDX", "1")
            got = _result(
                lambda t=t, text=text: eval(f"a{text}", {"a": np.zeros(t), "np": np})
            )
            if got == shape and got is not None and size(got) >= 1:
                out.append((t, ix))
    return out


@cache
def reshapes_to(shape: Shape) -> list[Shape]:
    return [t for t in ALL_SHAPES if t != shape and size(t) == size(shape)]


def transposes_to(shape: Shape) -> list[tuple[Shape, tuple[int, ...] | None]]:
    """(operand shape, axes) with ``np.transpose(x, axes)`` of ``shape``."""
    out: list[tuple[Shape, tuple[int, ...] | None]] = []
    if len(shape) >= 2:
        out.append((shape[::-1], None))
    if len(shape) == 3:
        for perm in itertools.permutations(range(3)):
            inverse = tuple(int(i) for i in np.argsort(perm))
            t = tuple(shape[i] for i in inverse)
            if perm != (0, 1, 2):
                out.append((t, perm))
    return out


# --------------------------------------------------------------------------
# expressions
# --------------------------------------------------------------------------
ATOM, POW, UNARY, MUL, ADD, CMP, IFEXP = 100, 14, 13, 12, 11, 6, 1


@dataclass(frozen=True)
class Ex:
    """A generated expression: its text, shape, a bound on |value|, and what it may alias."""

    text: str
    shape: Shape
    bound: float
    prec: int = ATOM
    alias: frozenset[str] = (
        frozenset()
    )  # names whose arrays this value may be a view of
    low: float = 0.0  # a positive lower bound, for values known to be positive


def par(e: Ex, need: int) -> str:
    return f"({e.text})" if e.prec < need else e.text


def binop(a: Ex, op: str, b: Ex, shape: Shape, bound: float) -> Ex:
    prec = {"+": ADD, "-": ADD, "*": MUL, "/": MUL, "@": MUL, "%": MUL, "//": MUL}
    if op == "**":
        left = f"({a.text})" if a.prec <= POW else a.text
        return Ex(f"{left} ** {par(b, UNARY)}", shape, bound, POW)
    p = prec[op]
    return Ex(f"{par(a, p)} {op} {par(b, p + 1)}", shape, bound, p)


def call(fn: str, *args: str | Ex, shape: Shape, bound: float, alias=frozenset()) -> Ex:
    text = ", ".join(a.text if isinstance(a, Ex) else a for a in args)
    return Ex(f"{fn}({text})", shape, bound, ATOM, alias)


def lit(value: float) -> Ex:
    text = repr(value)
    return Ex(text, (), abs(value), UNARY if value < 0 else ATOM, low=max(value, 0.0))


def viewed(e: Ex, shape: Shape) -> frozenset[str]:
    """What a view of ``e`` (an index, transpose or reshape of it) aliases: ``e``'s
    names and a marker, so that neither is updated in place later.  adgen refuses
    such updates, conservatively (README): also for a view of a temporary, and for
    a scalar element, which numpy copies (tests/fuzz_regressions/012)."""
    return e.alias | {"<view>"}


def shape_text(shape: Shape) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else f"({', '.join(map(str, shape))})"


def cap(x: float) -> float:
    return min(x, 1e12)


@dataclass
class Var:
    shape: Shape
    bound: float
    fresh: bool  # owns its array: safe to update in place (x += ...)


@dataclass
class Helper:
    name: str
    params: list[tuple[str, Shape]]
    outs: list[Shape]  # one shape, or two for a helper returning a pair
    bound: float  # bound on each returned value
    arg_bound: float  # arguments are squashed below this
    text: str = ""
    nodes: int = 0


@dataclass
class Program:
    """A generated model module and a point at which to evaluate its ``f``."""

    text: str
    params: list[tuple[str, Shape]]  # the active parameters (``wrt``)
    point: dict[str, object]  # name -> float or nested list (an int: a Python int)
    helpers: int = 0
    statements: int = 0
    tags: set[str] = field(default_factory=set)
    data: list[tuple[str, Shape]] = field(default_factory=list)  # after params
    # the program with a rebound module constant bound to its first literal only
    # (as adgen once misread it); None: the program rebinds no constant
    first_literal_text: str | None = None
    list_inputs: bool = False  # also call the generated code with lists for arrays

    def args(self, dtype=np.float64, lists: bool = False) -> list[object]:
        """Fresh arguments, the parameters' then the data's: arrays of ``dtype`` (or
        nested lists); scalars stay Python floats (or ints, for some data)."""
        out: list[object] = []
        for name, shape in self.params + self.data:
            v = self.point[name]
            if shape == ():
                out.append(v if isinstance(v, int) else float(v))
            else:
                out.append(v if lists else np.array(v, dtype=dtype))
        return out

    @property
    def wrt(self) -> list[str]:
        return [n for n, _ in self.params]

    def __repr__(self) -> str:  # what Hypothesis prints for a falsifying example
        return f"Program(point={self.point!r}, text=\n{self.text})"


# --------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------
LOCALS = ["a", "c", "d", "g", "h", "k", "m", "p", "q", "r", "z", "out", "hid"]
PARAM_NAMES = ["x", "y", "w", "s", "b", "t"]
# Names that clash with what adgen emits (temporaries n<k>, versions x_2, adjoints
# x_bar, the tape, runtime helpers, modules the generated code imports).
CLASHING = [
    "n3",
    "n5",
    "x_2",
    "x_bar",
    "a_bar",
    "out_bar",
    "tape",
    "scipy",
    "unbroadcast",
]
CLASHING_PARAMS = ["tape", "n2", "x_bar", "scipy", "y_2", "index_adjoint"]
HELPER_PARAMS = ["u", "v", "x", "a"]
RANGE_NAMES = ["it", "jt"]  # loop variables (never rebound, never in LOCALS)
ROW_NAMES = ["row", "xr"]
COUNTER_NAMES = ["count", "trips"]
EXITED = "# <exited>"  # marks a block that ends in return/break/continue
INT_NAMES = ["i", "j"]
UNARY_ANY = ["sin", "cos", "tanh", "arctan", "expit", "square", "abs", "neg"]
UNARY_EXP = ["exp", "sinh", "cosh", "expm1", "exp2"]  # need bounded arguments
UNARY_LOG = ["log", "sqrt", "log1p", "log2", "log10"]  # need positive arguments
MATH_ANY = ["sin", "cos", "tanh", "atan"]
MATH_EXP = ["exp", "sinh", "cosh", "expm1"]
MATH_LOG = ["log", "sqrt", "log1p", "log2", "log10"]
SQUASH = ["np.tanh", "np.sin", "expit"]


class Gen:
    """Draws one program; every choice goes through Hypothesis so that it shrinks."""

    def __init__(self, draw):
        self.draw = draw
        self.env: dict[str, Var] = {}
        self.helpers: list[Helper] = []
        self.constants: dict[str, object] = {}
        self.tags: set[str] = set()
        self.in_helper = False
        self.nodes = 0  # operations generated, counting inlined helper bodies
        self.ints: list[str] = []  # local names bound to the integer 1 (for indexes)
        # control flow (see "control flow" below)
        self.depth_cf = 0  # how many if/for/while enclose the statement being drawn
        self.loops: list[str] = []  # the enclosing loops, innermost last
        self.frozen: dict[str, Shape] = {}  # names whose shape a block must keep
        self.limits: dict[str, float] = {}  # loop-carried names: bound kept per trip
        self.readonly: set[str] = set()  # loop variables: read, never rebound
        self.loop_ints: list[tuple[str, int]] = []  # integer loop variables, max value
        self.ret_shape: Shape | None = ()  # what an early `return` returns (None: none)
        self.ret_bound = 0.0  # the largest bound an early return of a helper gave
        self.data: list[tuple[str, Shape, bool]] = []  # (name, shape, may be negative)
        self.rebound: dict[str, list[str]] = {}  # constant -> the lines rebinding it

    # --- choices ---------------------------------------------------------
    def pick(self, options):
        options = list(options)
        return options[self.draw(st.integers(0, len(options) - 1))]

    def chance(self, p: float) -> bool:
        # an integer draw shrinks to 0, which means "no"
        return self.draw(st.integers(0, 99)) >= 100 - round(p * 100)

    def weighted(self, options: list[tuple[int, str]]) -> str:
        flat = [name for w, name in options if w > 0 for _ in range(w)]
        return self.pick(flat)

    def nice(self) -> set[Shape]:
        """Shapes programs are mostly made of: the statements' and the variables'."""
        return set(STATEMENT_SHAPES) | {v.shape for v in self.env.values()}

    def into(self, shape: Shape) -> list[Shape]:
        """Nice shapes that broadcast into ``shape``, for the other operand of an op."""
        nice = self.nice()
        return [s for s in into(shape) if s in nice]

    def prefer(self, options: list, shapes_of) -> list:
        """The options whose operand shapes are all nice, unless there are none (or rarely)."""
        nice = self.nice()
        good = [o for o in options if all(s in nice for s in shapes_of(o))]
        return good if good and not self.chance(0.1) else options

    def tag(self, *names: str) -> None:
        self.tags.update(names)

    # --- leaves --------------------------------------------------------------
    def var(self, name: str) -> Ex:
        v = self.env[name]
        return Ex(name, v.shape, v.bound, ATOM, frozenset([name]))

    def constant(self) -> Ex:
        floats = [n for n, v in self.constants.items() if isinstance(v, float)]
        if floats and self.chance(0.4):
            name = self.pick(floats)
            self.tag("module_constant")
            return Ex(name, (), abs(self.constants[name]), ATOM)
        c = self.pick([0.5, 2.0, 1.5, -0.25, 3.0, 0.1, -1.0, 2, "np.pi", "math.e"])
        if isinstance(c, str):
            return Ex(c, (), 3.2, ATOM, low=2.7)
        return lit(c)

    def leaf(self, shape: Shape) -> Ex:
        names = [n for n, v in self.env.items() if v.shape == shape]
        options = []
        if names:
            options += ["var", "var", "var"]
        if shape == ():
            options.append("const")
            if self.ints and self.chance(0.2):
                options.append("int")
            if self.loop_ints and self.chance(0.3):
                options.append("loop_int")
        if not options or self.chance(0.15):
            options.append("derive")
        lists = [n for n, v in self.constants.items() if isinstance(v, list)]
        if lists and shape == (3,):
            options.append("list")
        kind = self.pick(options)
        if kind == "var":
            return self.var(self.pick(reversed(names)))
        if kind == "const":
            return self.constant()
        if kind == "int":
            return Ex(self.pick(self.ints), (), 1.0, low=1.0)
        if kind == "loop_int":  # a loop's counter, an inactive Python int
            self.tag("loop_variable_in_expression")
            name, top = self.pick(self.loop_ints)
            # adgen refuses `r = count; r += 1` as it does for arrays (regression 023)
            return Ex(name, (), float(top), alias=frozenset([name]))
        if kind == "list":
            return self.list_constant(self.pick(lists), names)
        return self.derive(shape)

    def list_constant(self, name: str, arrays: list[str]) -> Ex:
        """The list constant ``name`` (of shape (3,)) where numpy reads it as an array:
        in a numpy call, or next to an array (``x * W``, ``x ** W``; regressions 034,
        035).  ``W + W`` would join two lists, as Python does: not drawn."""
        self.tag("list_constant")
        w = Ex(name, (3,), 2.0)
        forms = ["sin"] + (["times", "plus", "power"] if arrays else [])
        form = self.pick(forms)
        if form == "sin":
            return call("np.sin", w, shape=(3,), bound=1.0)
        self.tag(f"list_constant_{form}")
        v = self.var(self.pick(arrays))
        if form == "times":
            return binop(v, "*", w, (3,), cap(2.0 * v.bound))
        if form == "plus":
            return binop(w, "+", v, (3,), cap(2.0 + v.bound))
        base = binop(
            call("np.abs", v, shape=(3,), bound=v.bound),
            "+",
            lit(1.0),
            (3,),
            v.bound + 1.0,
        )
        return binop(base, "**", w, (3,), cap((v.bound + 1.0) ** 2))

    def derive(self, shape: Shape) -> Ex:
        """A value of ``shape`` made from a variable: one index (``x[None, :, 1:]``),
        then concatenation along any axis that must grow."""
        costs = {n: growth(v.shape, shape) for n, v in self.env.items()}
        best = min(costs.values())
        e = self.var(self.pick([n for n in reversed(self.env) if costs[n] == best]))
        if e.shape == shape:
            return e
        if e.shape and size(e.shape) == size(shape) and self.chance(0.3):
            if len(shape) >= 2 and e.shape[::-1] == shape:
                return Ex(f"{e.text}.T", shape, e.bound, ATOM, viewed(e, shape))
            return Ex(
                f"{e.text}.reshape({shape_text(shape)})",
                shape,
                e.bound,
                ATOM,
                viewed(e, shape),
            )
        if not e.shape:  # a scalar: three values first
            self.nodes += 3
            e = Ex(
                f"np.stack([{e.text}, 2.0 * {e.text}, -{e.text}])", (3,), 2 * e.bound
            )
        t = e.shape
        items: list[str] = []
        got: list[int] = []
        if len(t) > len(shape):
            items += [str(self.pick(range(n))) for n in t[: len(t) - len(shape)]]
            t = t[len(t) - len(shape) :]
        elif len(t) < len(shape):
            items += ["None"] * (len(shape) - len(t))
            got += [1] * (len(shape) - len(t))
        for have, want in zip(t, shape[len(got) :], strict=True):
            if have == want or have == 1:
                items.append(":")
                got.append(have)
            elif have > want:
                items.append(self.pick([f":{want}", f"-{want}:", f"{have - want}:"]))
                got.append(want)
            else:
                items.append(":1")
                got.append(1)
        while items and items[-1] == ":":
            items.pop()
        if items:
            e = Ex(
                f"{par(e, ATOM)}[{', '.join(items)}]",
                tuple(got),
                e.bound,
                ATOM,
                viewed(e, tuple(got)),
            )
        if sum(1 for h, w in zip(got, shape, strict=True) if h != w) >= 2:
            # broadcast against constants rather than nest concatenations
            self.tag("float64_constant")
            how = self.pick([("+", "np.zeros"), ("*", "np.ones")])
            text = f"{par(e, ADD + 1)} {how[0]} {how[1]}({shape_text(shape)})"
            return Ex(text, shape, e.bound, ADD if how[0] == "+" else MUL)
        for axis, (have, want) in enumerate(zip(got, shape, strict=True)):
            if have != want:
                copies = [e.text, f"{par(e, MUL + 1)} * 0.5", f"-{par(e, UNARY)}"][
                    :want
                ]
                self.nodes += 2 * want
                e = Ex(
                    f"np.concatenate([{', '.join(copies)}], axis={axis})",
                    (*e.shape[:axis], want, *e.shape[axis + 1 :]),
                    e.bound,
                )
        assert e.shape == shape, (e, shape)
        return e

    # --- bounded, positive and squashed operands ---------------------------
    def squash(self, e: Ex, limit: float) -> Ex:
        if e.bound <= limit:
            return e
        fn = self.pick(SQUASH)
        return call(fn, e, shape=e.shape, bound=1.0)

    def bounded(self, shape: Shape, depth: int, limit: float) -> Ex:
        return self.squash(self.expr(shape, depth), limit)

    def positive(self, shape: Shape, depth: int) -> Ex:
        """An expression of ``shape`` whose value is at least ~0.05."""
        kind = self.weighted(
            [
                (3, "abs"),
                (3, "sq"),
                (1, "square"),
                (2, "exp"),
                (1, "expit"),
                (1, "cosh"),
                (1, "sin"),
                (1 if shape == () else 0, "math"),
            ]
        )
        if kind == "abs":
            e = self.expr(shape, depth)
            inner = (
                call("np.abs", e, shape=shape, bound=e.bound)
                if shape or self.chance(0.5)
                else call("abs", e, shape=shape, bound=e.bound)
            )
            out = binop(inner, "+", lit(0.5), shape, e.bound + 0.5)
            self.tag("abs")
            return Ex(out.text, shape, out.bound, out.prec, low=0.5)
        if kind in ("sq", "square"):
            e = self.bounded(shape, depth, 6.0)
            sq = (
                binop(e, "*", e, shape, e.bound**2)
                if kind == "sq"
                else call("np.square", e, shape=shape, bound=e.bound**2)
            )
            out = binop(sq, "+", lit(0.5), shape, e.bound**2 + 0.5)
            return Ex(out.text, shape, out.bound, out.prec, low=0.5)
        if kind == "exp":
            e = self.bounded(shape, depth, 3.0)
            return Ex(
                f"np.exp({e.text})", shape, math.exp(e.bound), low=math.exp(-e.bound)
            )
        if kind == "expit":
            e = self.expr(shape, depth)
            out = binop(
                call("expit", e, shape=shape, bound=1.0), "+", lit(0.5), shape, 1.5
            )
            return Ex(out.text, shape, 1.5, out.prec, low=0.5)
        if kind == "cosh":
            e = self.bounded(shape, depth, 3.0)
            return Ex(f"np.cosh({e.text})", shape, math.cosh(e.bound), low=1.0)
        if kind == "sin":
            e = self.expr(shape, depth)
            out = binop(
                lit(1.5), "+", call("np.sin", e, shape=shape, bound=1.0), shape, 2.5
            )
            return Ex(out.text, shape, 2.5, out.prec, low=0.5)
        e = self.bounded((), depth, 3.0)
        fn = self.pick(["math.exp", "math.cosh"])
        return Ex(f"{fn}({e.text})", (), math.exp(e.bound), low=math.exp(-e.bound))

    # --- expressions ---------------------------------------------------------
    def expr(self, shape: Shape, depth: int) -> Ex:
        """An expression of exactly ``shape``."""
        if depth <= 0 or self.nodes >= NODE_BUDGET:
            return self.leaf(shape)
        self.nodes += 1
        d = depth - 1
        options = [
            (6, "leaf"),
            (8, "unary"),
            (10, "arith"),
            (2, "arith_broadcast" if broadcast_pairs(shape) else ""),
            (3, "div"),
            (8 if self.data_exponents_into(shape) else 3, "pow"),
            (2, "neg"),
            (2, "maxmin"),
            (1, "where"),
            (1, "clip"),
            (4, "reduce" if reductions_to(shape) else ""),
            (2, "matmul" if products_to(shape, "matmul") else ""),
            (1, "dot" if products_to(shape, "dot") else ""),
            (1, "outer" if products_to(shape, "outer") else ""),
            (1, "trace" if shape == () else ""),
            (2, "transpose" if transposes_to(shape) else ""),
            (2, "reshape" if reshapes_to(shape) and shape else ""),
            (3, "index" if indexes_to(shape) else ""),
            (1, "concatenate" if shape and max(shape) >= 2 else ""),
            (1, "stack" if shape else ""),
            (3, "helper" if any(h.outs == [shape] for h in self.helpers) else ""),
            (3 if shape == () else 0, "math"),
            (1 if shape == () else 0, "builtin"),
            (1, "mod"),
            (1, "step"),
            (1, "constant_array"),
            (1, "ifexp"),
            (2 if self.loop_ints and len(shape) <= 2 else 0, "loop_index"),
        ]
        kind = self.weighted([(w, k) for w, k in options if k])
        e = getattr(self, "g_" + kind)(shape, d) if kind != "leaf" else self.leaf(shape)
        assert e.shape == shape, (kind, e, shape)
        if e.bound > MAX_BOUND:
            e = self.squash(e, MAX_BOUND)
        return e

    def g_unary(self, shape: Shape, d: int) -> Ex:
        group = self.weighted(
            [(5, "any"), (2, "exp"), (3, "log"), (1, "tan"), (1, "asin")]
        )
        if group == "any":
            fn = self.pick(UNARY_ANY)
            e = self.expr(shape, d)
            if fn == "neg":
                return self.g_neg(shape, d, e)
            if fn == "square":
                e = self.squash(e, 6.0)
                return call("np.square", e, shape=shape, bound=e.bound**2)
            if fn == "abs":
                self.tag("abs")
                spelled = self.pick(["np.abs", "np.absolute", "np.fabs"])
                return call(spelled, e, shape=shape, bound=e.bound)
            bound = {"sin": 1.0, "cos": 1.0, "tanh": 1.0, "arctan": 1.6, "expit": 1.0}[
                fn
            ]
            spelled = "expit" if fn == "expit" else f"np.{fn}"
            return call(spelled, e, shape=shape, bound=bound)
        if group == "exp":
            fn = self.pick(UNARY_EXP)
            e = self.bounded(shape, d, 3.0)
            bound = math.exp(e.bound)
            return call(f"np.{fn}", e, shape=shape, bound=bound)
        if group == "log":
            fn = self.pick(UNARY_LOG)
            p = self.positive(shape, d)
            bound = (
                max(abs(math.log(max(p.low, 0.05))), math.log(p.bound + 1.0)) * 2.0
                + 1.0
            )
            bound = math.sqrt(p.bound) if fn == "sqrt" else bound
            return call(f"np.{fn}", p, shape=shape, bound=bound)
        if group == "tan":
            e = self.bounded(shape, d, 1.0)
            return call("np.tan", e, shape=shape, bound=1.6)
        fn = self.pick(["np.arcsin", "np.arccos"])
        how = self.pick(["tanh", "clip", "sin"])
        e = self.expr(shape, d)
        if how == "tanh":
            arg = f"0.5 * np.tanh({e.text})"
        elif how == "sin":
            arg = f"0.9 * np.sin({e.text})"
        else:
            self.tag("clip")
            arg = f"np.clip({e.text}, -0.9, 0.9)"
        return Ex(f"{fn}({arg})", shape, 3.2)

    def g_neg(self, shape: Shape, d: int, e: Ex | None = None) -> Ex:
        e = e or self.expr(shape, d)
        if self.chance(0.1):  # adgen binds +a to a itself (regression 013)
            return Ex(f"+{par(e, UNARY)}", shape, e.bound, UNARY, e.alias)
        if self.chance(0.2):
            return call("np.negative", e, shape=shape, bound=e.bound)
        text = f"-{par(e, UNARY)}"
        if text.startswith("--"):
            text = f"-({e.text})"
        return Ex(text, shape, e.bound, UNARY)

    def operands(self, shape: Shape, d: int, broadcasting: bool) -> tuple[Ex, Ex]:
        if broadcasting:
            sa, sb = self.pick(broadcast_pairs(shape))
            self.tag("broadcast")
        else:
            other = self.pick([shape, shape, *self.into(shape)])
            sa, sb = (shape, other) if self.chance(0.5) else (other, shape)
            if sa != sb:
                self.tag("broadcast")
        return self.expr(sa, d), self.expr(sb, d)

    def g_arith(self, shape: Shape, d: int, broadcasting: bool = False) -> Ex:
        a, b = self.operands(shape, d, broadcasting)
        op = self.pick(["+", "*", "-"])
        if op == "*":
            if self.chance(0.15):
                return call("np.multiply", a, b, shape=shape, bound=a.bound * b.bound)
            return binop(a, "*", b, shape, a.bound * b.bound)
        if self.chance(0.1):
            fn = "np.add" if op == "+" else "np.subtract"
            return call(fn, a, b, shape=shape, bound=a.bound + b.bound)
        return binop(a, op, b, shape, a.bound + b.bound)

    def g_arith_broadcast(self, shape: Shape, d: int) -> Ex:
        return self.g_arith(shape, d, broadcasting=True)

    def g_div(self, shape: Shape, d: int) -> Ex:
        kind = self.weighted(
            [(4, "pos"), (1, "const"), (1, "const_num"), (1, "negpos")]
        )
        if kind == "const":
            a = self.expr(shape, d)
            c = self.pick([2.0, 3, -0.5, "SCALE" if "SCALE" in self.constants else 4.0])
            cb = Ex(str(c), (), 4.0, ATOM if not str(c).startswith("-") else UNARY)
            return binop(a, "/", cb, shape, a.bound * 2.0)
        sa = self.pick([shape, *self.into(shape)])
        sb = shape if sa != shape else self.pick([shape, *self.into(shape)])
        if self.chance(0.5):
            sa, sb = sb, sa
        den = self.positive(sb, d)
        if kind == "const_num":
            num = lit(self.pick([1.0, 2.0, -0.5]))
            if sb != shape:  # the numerator must give the shape
                num = self.expr(sa, d)
        else:
            num = self.expr(sa, d)
        bound = num.bound / max(den.low, 0.05)
        if kind == "negpos":
            den = Ex(f"-{par(den, UNARY)}", den.shape, den.bound, UNARY)
        if self.chance(0.1):
            return call(
                self.pick(["np.divide", "np.true_divide"]),
                num,
                den,
                shape=shape,
                bound=bound,
            )
        return binop(num, "/", den, shape, bound)

    def g_pow(self, shape: Shape, d: int) -> Ex:
        data = self.data_exponents_into(shape)
        kind = self.weighted(
            [
                (4, "int"),
                (3, "pos_float"),
                (2, "pos_array"),
                (1, "const_base"),
                (2, "zero"),
                (2, "neg_int"),
                (8 if data else 0, "data"),
            ]
        )
        if kind == "int":
            e = self.bounded(shape, d, 3.0)
            p = self.exponent_constant(1, 3)
            k = self.pick([2, 3, "K" if "K" in self.constants else 2, 2.0, 1, p or 3])
            kval = self.constants.get(k, 2) if isinstance(k, str) else k
            if self.chance(0.2):
                return call("np.power", e, str(k), shape=shape, bound=e.bound**kval)
            return binop(e, "**", Ex(str(k), (), kval), shape, e.bound**kval)
        if kind == "zero":  # d/dx x ** 0 is 0, at x == 0 too (issue 12)
            self.tag("zero_exponent")
            e = self.expr(shape, d)
            k = self.pick(["0", "0.0", self.exponent_constant(0, 0) or "0"])
            if self.chance(0.3):
                return call("np.power", e, k, shape=shape, bound=1.0)
            return binop(e, "**", Ex(k, (), 0.0), shape, 1.0)
        if kind == "neg_int":  # a base of either sign, away from 0
            self.tag("negative_exponent")
            p = self.positive_small(shape, d)
            if self.chance(0.4):
                p = Ex(f"-{par(p, UNARY)}", shape, p.bound, UNARY, low=0.0)
            k = self.pick([-1, -2, -1.0, -3, self.exponent_constant(-2, -1) or -2])
            kval = self.constants.get(k, -2) if isinstance(k, str) else k
            bound = (1 / 0.36) ** abs(kval)
            if self.chance(0.2):
                return call("np.power", p, str(k), shape=shape, bound=bound)
            return binop(p, "**", Ex(str(k), (), abs(kval), UNARY), shape, bound)
        if kind == "data":
            return self.g_pow_data(shape, d)
        if kind == "pos_float":
            p = self.positive(shape, d)
            if p.bound > MAX_BOUND:
                p = self.positive_small(shape, d)
            y = self.pick([0.5, 1.5, -1.0, -0.5, 2.5])
            bound = max(p.bound, 1 / max(p.low, 0.05)) ** abs(y)
            if shape == () and self.chance(0.2):
                self.tag("math")
                if self.chance(0.5):  # an active exponent
                    z = self.bounded((), d, 1.5)
                    p = self.positive_small((), d)
                    return Ex(f"math.pow({p.text}, {z.text})", (), 3.0**1.5)
                return Ex(f"math.pow({p.text}, {y})", (), bound)
            return binop(p, "**", lit(y), shape, bound)
        if kind == "pos_array":
            sa = self.pick([shape, *self.into(shape)])
            sb = shape if sa != shape else self.pick([shape, *self.into(shape)])
            p = self.positive_small(sa, d)
            y = self.bounded(sb, d, 1.5)
            self.tag("pow_array")
            bound = max(p.bound, 1 / max(p.low, 0.05)) ** y.bound
            if self.chance(0.2):
                return call("np.power", p, y, shape=shape, bound=bound)
            return binop(p, "**", y, shape, bound)
        e = self.bounded(shape, d, 3.0)
        base = self.pick([2.0, 0.5, "np.e"])
        b = Ex(str(base), (), 2.7)
        return binop(b, "**", e, shape, 2.0**e.bound * 3.0)

    def g_pow_data(self, shape: Shape, d: int) -> Ex:
        """``base ** deg``, an exponent the caller passes and adgen does not
        differentiate (0 included; a negative one only over a positive base)."""
        self.tag("data_exponent")
        name, signed = self.pick(self.data_exponents_into(shape))
        p = self.positive_small(shape, d) if signed else self.bounded(shape, d, 3.0)
        bound = (1 / 0.36) ** 2 if signed else max(p.bound, 1.0) ** 3
        if self.chance(0.3):
            return call("np.power", p, name, shape=shape, bound=bound)
        return binop(p, "**", Ex(name, (), 3.0), shape, bound)

    def exponent_constant(self, low: int, high: int) -> str | None:
        """The module's exponent constant ``P``, if its value is in [low, high]."""
        p = self.constants.get("P")
        if p is not None and low <= p <= high:
            self.tag("module_constant_exponent")
            return "P"
        return None

    def data_exponents_into(self, shape: Shape) -> list[tuple[str, bool]]:
        """Data parameters an exponent of ``shape`` may be: (name, may be negative)."""
        if self.in_helper:
            return []
        return [
            (n, signed) for n, s, signed in self.data if s == shape or s in into(shape)
        ]

    def positive_small(self, shape: Shape, d: int) -> Ex:
        """A positive value between ~0.3 and ~3."""
        kind = self.pick(["expit", "sin", "exp"])
        if kind == "expit":
            e = self.expr(shape, d)
            return Ex(f"expit({e.text}) + 0.5", shape, 1.5, ADD, low=0.5)
        if kind == "sin":
            e = self.expr(shape, d)
            return Ex(f"1.5 + np.sin({e.text})", shape, 2.5, ADD, low=0.5)
        e = self.bounded(shape, d, 1.0)
        return Ex(f"np.exp({e.text})", shape, 2.8, ATOM, low=0.36)

    def g_maxmin(self, shape: Shape, d: int) -> Ex:
        self.tag("maxmin")
        fn = self.pick(["np.maximum", "np.minimum"])
        kind = self.pick(["two", "relu", "relu_left"])
        if kind == "two":
            a, b = self.operands(shape, d, False)
            return call(fn, a, b, shape=shape, bound=max(a.bound, b.bound))
        e = self.expr(shape, d)
        c = self.pick(["0.0", "0", "0.5", "-1.0"])
        args = (e.text, c) if kind == "relu" else (c, e.text)
        return call(fn, *args, shape=shape, bound=max(e.bound, 1.0))

    def g_where(self, shape: Shape, d: int) -> Ex:
        self.tag("where")
        sc = self.pick([shape, *self.into(shape)])
        c = self.expr(sc, max(d - 1, 0))
        op = self.pick([">", "<", ">=", "<="])
        if self.chance(0.5):
            rhs = lit(self.pick([0.0, 0.3, -0.5]))
        else:
            rhs = self.expr(self.pick([sc, *self.into(sc)]), max(d - 1, 0))
        cond = f"{par(c, CMP + 1)} {op} {par(rhs, CMP + 1)}"
        a, b = self.operands(shape, d, False)
        if self.chance(0.3):  # np.where(x > 0, x, 0.0)
            b = lit(self.pick([0.0, 1.0]))
            a = self.expr(shape, d) if a.shape != shape else a
        if self.chance(0.5):
            a, b = b, a
        return call("np.where", cond, a, b, shape=shape, bound=max(a.bound, b.bound))

    def g_clip(self, shape: Shape, d: int) -> Ex:
        self.tag("clip")
        e = self.expr(shape, d)
        kind = self.pick(["const", "exprs", "none"])
        if kind == "const":
            lo, hi = self.pick([(-1.0, 1.0), (-0.5, 2.0), (0, 1)])
            return call("np.clip", e, str(lo), str(hi), shape=shape, bound=2.0)
        if kind == "none":
            args = self.pick([("0.0", "None"), ("None", "0.5"), ("-1.0", "None")])
            return call("np.clip", e, *args, shape=shape, bound=e.bound + 1.0)
        lo = self.bounded(self.pick([(), *self.into(shape)]), d, 3.0)
        hi = self.bounded(self.pick([(), *self.into(shape)]), d, 3.0)
        lo_t = f"-({par(lo, MUL)} * {par(lo, MUL + 1)}) - 0.1"
        hi_t = f"{par(hi, MUL)} * {par(hi, MUL + 1)} + 0.1"
        return call(
            "np.clip",
            e,
            lo_t,
            hi_t,
            shape=shape,
            bound=max(lo.bound, hi.bound) ** 2 + 0.1,
        )

    def g_reduce(self, shape: Shape, d: int) -> Ex:
        t, axis, keep = self.pick(self.prefer(reductions_to(shape), lambda o: [o[0]]))
        fn = self.weighted(
            [(4, "sum"), (3, "mean"), (1, "max"), (1, "min"), (2, "logsumexp")]
        )
        e = self.expr(t, d)
        if fn == "logsumexp":
            e = self.squash(e, 10.0)
        n = size(t) // max(size(shape), 1)
        bound = {"sum": e.bound * n, "logsumexp": e.bound + math.log(n) + 0.1}.get(
            fn, e.bound
        )
        if fn in ("max", "min"):
            self.tag("max_reduction")
        kwargs = []
        if axis is not None:
            kwargs.append(f"axis={axis}")
        if keep:
            kwargs.append("keepdims=True")
        if fn != "logsumexp" and t and self.chance(0.3):  # the method form
            self.tag("method")
            if kwargs and not keep and self.chance(0.5):
                kwargs = [str(axis)]
            return Ex(f"{par(e, ATOM)}.{fn}({', '.join(kwargs)})", shape, bound)
        if axis is not None and not keep and self.chance(0.2):
            kwargs = [str(axis)]  # np.sum(x, 0)
        spelled = "logsumexp" if fn == "logsumexp" else f"np.{fn}"
        if fn in ("max", "min") and self.chance(0.2):
            spelled = f"np.a{fn}"
        return call(spelled, e, *kwargs, shape=shape, bound=bound)

    def product(self, shape: Shape, d: int, kind: str) -> Ex:
        sa, sb = self.pick(self.prefer(products_to(shape, kind), lambda o: o))
        a = self.bounded(sa, d, 5.0)
        b = self.bounded(sb, d, 5.0)
        k = max(size(sa), size(sb))
        return a, b, a.bound * b.bound * k

    def g_matmul(self, shape: Shape, d: int) -> Ex:
        self.tag("matmul")
        a, b, bound = self.product(shape, d, "matmul")
        if self.chance(0.2):
            return call("np.matmul", a, b, shape=shape, bound=bound)
        return binop(a, "@", b, shape, bound)

    def g_dot(self, shape: Shape, d: int) -> Ex:
        self.tag("matmul")
        a, b, bound = self.product(shape, d, "dot")
        if a.shape and self.chance(0.3):
            return Ex(f"{par(a, ATOM)}.dot({b.text})", shape, bound)
        return call("np.dot", a, b, shape=shape, bound=bound)

    def g_outer(self, shape: Shape, d: int) -> Ex:
        self.tag("matmul")
        a, b, bound = self.product(shape, d, "outer")
        return call("np.outer", a, b, shape=shape, bound=bound)

    def g_trace(self, shape: Shape, d: int) -> Ex:
        t = self.pick([(3, 3), (2, 3), (3, 2), (2, 2)])
        e = self.expr(t, d)
        return call("np.trace", e, shape=(), bound=e.bound * 3)

    def g_transpose(self, shape: Shape, d: int) -> Ex:
        t, axes = self.pick(transposes_to(shape))
        e = self.expr(t, d)
        if axes is None:
            how = self.pick([".T", "np.transpose", ".transpose()"])
            if how == ".T":
                return Ex(f"{par(e, ATOM)}.T", shape, e.bound, ATOM, viewed(e, shape))
            if how == "np.transpose":
                return call(
                    "np.transpose",
                    e,
                    shape=shape,
                    bound=e.bound,
                    alias=viewed(e, shape),
                )
            return Ex(
                f"{par(e, ATOM)}.transpose()", shape, e.bound, ATOM, viewed(e, shape)
            )
        if self.chance(0.5):
            return call(
                "np.transpose",
                e,
                str(axes),
                shape=shape,
                bound=e.bound,
                alias=viewed(e, shape),
            )
        return Ex(
            f"{par(e, ATOM)}.transpose{axes}", shape, e.bound, ATOM, viewed(e, shape)
        )

    def g_reshape(self, shape: Shape, d: int) -> Ex:
        t = self.pick(self.prefer(reshapes_to(shape), lambda o: [o]))
        e = self.expr(t, d)
        how = self.pick(["method", "np", "minus1", "varargs", "shape_of"])
        target = shape_text(shape)
        if how == "minus1":
            dims = list(shape)
            dims[self.pick(range(len(dims)))] = -1
            target = (
                f"({dims[0]},)" if len(dims) == 1 else f"({', '.join(map(str, dims))})"
            )
        if how == "shape_of":
            same = [n for n, v in self.env.items() if v.shape == shape]
            if same:
                self.tag("shape_attr")
                target = f"{self.pick(same)}.shape"
        if how == "varargs" and len(shape) >= 2 and t:  # (-0.25).reshape(1, 1) fails
            return Ex(
                f"{par(e, ATOM)}.reshape({', '.join(map(str, shape))})",
                shape,
                e.bound,
                ATOM,
                viewed(e, shape),
            )
        if how == "np" or not t:
            return call(
                "np.reshape",
                e,
                target,
                shape=shape,
                bound=e.bound,
                alias=viewed(e, shape),
            )
        return Ex(
            f"{par(e, ATOM)}.reshape({target})", shape, e.bound, ATOM, viewed(e, shape)
        )

    def g_index(self, shape: Shape, d: int) -> Ex:
        options = self.prefer(indexes_to(shape), lambda o: [o[0]])
        ones = self.ints + (["IDX"] if "IDX" in self.constants else [])
        if not ones:
            options = [o for o in options if "IDX" not in o[1]]
        elif self.chance(0.5):
            options = [o for o in options if "IDX" in o[1]] or options
        if not options:
            return self.leaf(shape)
        t, ix = self.pick(options)
        if "IDX" in ix:  # a name whose value is 1: a constant or an inactive local
            ix = ix.replace("IDX", self.pick(ones))
            self.tag("index_by_name")
        e = self.expr(t, d)
        self.tag("index")
        return Ex(f"{par(e, ATOM)}{ix}", shape, e.bound, ATOM, viewed(e, shape))

    def g_concatenate(self, shape: Shape, d: int) -> Ex:
        self.tag("concatenate")
        axes = [i for i, n in enumerate(shape) if n >= 2]
        if len(shape) == 1 and shape[0] >= 2 and self.chance(0.2):  # axis=None flattens
            sizes = [1, shape[0] - 1]
            parts = []
            for n in sizes:
                t = self.pick([s for s in ALL_SHAPES if size(s) == n and s])
                parts.append(self.expr(t, d))
            body = ", ".join(p.text for p in parts)
            return Ex(
                f"np.concatenate([{body}], axis=None)",
                shape,
                max(p.bound for p in parts),
            )
        axis = self.pick(axes)
        n = shape[axis]
        splits = self.pick([[1, n - 1], [n - 1, 1]] + ([[1, 1, 1]] if n == 3 else []))
        parts = [self.expr((*shape[:axis], k, *shape[axis + 1 :]), d) for k in splits]
        body = ", ".join(p.text for p in parts)
        spelled = self.pick(
            [axis, axis - len(shape)] if axis else [None, 0, -len(shape)]
        )
        tail = "" if spelled is None else f", axis={spelled}"
        bound = max(p.bound for p in parts)
        return Ex(f"np.concatenate([{body}]{tail})", shape, bound)

    def g_stack(self, shape: Shape, d: int) -> Ex:
        self.tag("stack")
        axis = self.pick(range(len(shape)))
        part = shape[:axis] + shape[axis + 1 :]
        parts = [self.expr(part, d) for _ in range(shape[axis])]
        body = ", ".join(p.text for p in parts)
        spelled = self.pick([axis, axis - len(shape)]) if axis else self.pick([None, 0])
        tail = "" if spelled is None else f", axis={spelled}"
        return Ex(f"np.stack([{body}]{tail})", shape, max(p.bound for p in parts))

    def g_helper(self, shape: Shape, d: int) -> Ex:
        helper = self.pick([h for h in self.helpers if h.outs == [shape]])
        return self.call_helper(helper, d)

    def call_helper(self, helper: Helper, d: int) -> Ex:
        self.tag("helper")
        self.nodes += helper.nodes  # adgen inlines the body at every call
        args = [self.bounded(s, d, helper.arg_bound) for _, s in helper.params]
        alias = frozenset().union(*(a.alias for a in args))
        if len(args) > 1 and self.chance(0.2):
            text = ", ".join(
                f"{n}={a.text}" for (n, _), a in zip(helper.params, args, strict=True)
            )
        else:
            text = ", ".join(a.text for a in args)
        shape = helper.outs[0] if len(helper.outs) == 1 else ()
        alias |= {"<view>"}  # the helper may return a view of an argument
        return Ex(f"{helper.name}({text})", shape, helper.bound, ATOM, alias)

    def g_math(self, shape: Shape, d: int) -> Ex:
        self.tag("math")
        group = self.pick(["any", "exp", "log", "asin", "fabs", "tan"])
        if group == "any":
            e = self.expr((), d)
            return Ex(f"math.{self.pick(MATH_ANY)}({e.text})", (), 1.6)
        if group == "exp":
            e = self.bounded((), d, 3.0)
            return Ex(f"math.{self.pick(MATH_EXP)}({e.text})", (), math.exp(e.bound))
        if group == "log":
            p = self.positive((), d)
            fn = self.pick(MATH_LOG)
            bound = (
                math.sqrt(p.bound)
                if fn == "sqrt"
                else 2 * max(abs(math.log(max(p.low, 0.05))), math.log(p.bound + 1)) + 1
            )
            return Ex(f"math.{fn}({p.text})", (), bound)
        if group == "asin":
            e = self.expr((), d)
            fn = self.pick(["asin", "acos"])
            return Ex(f"math.{fn}(0.5 * math.tanh({e.text}))", (), 3.2)
        if group == "tan":
            e = self.bounded((), d, 1.0)
            return Ex(f"math.tan({e.text})", (), 1.6)
        e = self.expr((), d)
        self.tag("abs")
        return Ex(f"math.fabs({e.text})", (), e.bound)

    def g_builtin(self, shape: Shape, d: int) -> Ex:
        self.tag("builtin")
        fn = self.pick(["abs", "max", "min"])
        a = self.expr((), d)
        if fn == "abs":
            self.tag("abs")
            return call("abs", a, shape=(), bound=a.bound)
        self.tag("maxmin")
        b = self.expr((), d) if self.chance(0.6) else lit(self.pick([0.0, 0.5]))
        return call(fn, a, b, shape=(), bound=max(a.bound, b.bound))

    def g_mod(self, shape: Shape, d: int) -> Ex:
        """``%`` and ``//`` (piecewise; the smoothness check keeps points off the jumps)."""
        self.tag("mod")
        e = self.expr(shape, d)
        if self.chance(0.7):
            m = self.pick([1.7, 2.5])
            return binop(e, "%", lit(m), shape, m)
        fl = binop(e, "//", lit(1.0), shape, e.bound + 1)
        other = self.expr(shape, d)
        return binop(other, "*", fl, shape, other.bound * (e.bound + 1))

    def g_step(self, shape: Shape, d: int) -> Ex:
        """A comparison used as a 0/1 factor: ``e * (c > 0.2)``."""
        self.tag("step")
        e = self.expr(shape, d)
        c = self.expr(self.pick([shape, *self.into(shape)]), max(d - 1, 0))
        op = self.pick([">", "<"])
        return Ex(f"{par(e, MUL)} * ({par(c, CMP + 1)} {op} 0.2)", shape, e.bound, MUL)

    def g_ifexp(self, shape: Shape, d: int) -> Ex:
        """``a if np.sum(x) > 0.3 else b``: both values of ``shape``."""
        self.tag("conditional_expression")
        cond = self.condition(d)
        a, b = self.expr(shape, d), self.expr(shape, d)
        text = f"{par(a, IFEXP + 1)} if {cond} else {par(b, IFEXP)}"
        return Ex(text, shape, max(a.bound, b.bound), IFEXP, a.alias | b.alias)

    def g_loop_index(self, shape: Shape, d: int) -> Ex:
        """``e[it]`` or ``e[:, it]`` with a loop's counter: a different entry each trip."""
        self.tag("index_by_loop_variable")
        name, top = self.pick(self.loop_ints)
        if top >= 3:  # no axis is that long
            return self.leaf(shape)
        n = self.pick([k for k in (2, 3) if k > top])
        if not shape or self.chance(0.7):
            t, ix = (n, *shape), f"[{name}]"
        else:
            t, ix = (shape[0], n, *shape[1:]), f"[:, {name}]"
        e = self.expr(t, d)
        return Ex(f"{par(e, ATOM)}{ix}", shape, e.bound, ATOM, viewed(e, shape))

    def g_constant_array(self, shape: Shape, d: int) -> Ex:
        """An array of constants next to an active value: ``e + np.ones_like(e)``."""
        e = self.expr(shape, d)
        if not shape:
            return binop(e, "+", lit(0.25), shape, e.bound + 0.25)
        how = self.pick(["ones_like", "zeros_like", "len", "ones"])
        if how == "len":
            return Ex(f"{par(e, MUL)} / len({e.text})", shape, e.bound, MUL)
        if how == "ones":
            self.tag("float64_constant")
            return Ex(
                f"{par(e, ADD)} + np.ones({shape_text(shape)})", shape, e.bound + 1, ADD
            )
        c = Ex(f"np.{how}({e.text})", shape, 1.0)
        return binop(e, "-", c, shape, e.bound + 1)

    # --- statements -------------------------------------------------------
    def fresh_name(self, pool: list[str]) -> str:
        if pool is LOCALS and self.chance(0.08):
            self.tag("clashing_name")
            pool = CLASHING
        unused = [n for n in pool if n not in self.env and n not in self.ints]
        # a name of the enclosing scope would have to keep its shape (and bound)
        spare = [n for n in pool if n not in self.frozen and n not in self.readonly]
        return self.pick(unused or spare or [f"v{len(self.env)}"])

    def targets(self, shape: Shape | None = None) -> list[str]:
        """Names a statement may rebind (to a value of ``shape``, if given)."""
        return [
            n
            for n in self.env
            if n not in self.readonly
            and (shape is None or n not in self.frozen or self.frozen[n] == shape)
        ]

    def shape_for(self, name: str) -> Shape:
        """The shape a value bound to ``name`` gets: the same, inside a block."""
        return self.frozen[name] if name in self.frozen else self.target_shape()

    def fit(self, name: str, e: Ex) -> Ex:
        """``e`` squashed if ``name`` is carried by a loop and ``e`` could grow it."""
        return self.squash(e, self.limits[name]) if name in self.limits else e

    def target_shape(self) -> Shape:
        known = [v.shape for v in self.env.values()]
        return self.pick([*known, *known, *STATEMENT_SHAPES])

    def bind(self, name: str, e: Ex, shape: Shape | None = None) -> None:
        for n in e.alias:  # a view of n: neither may be updated in place any more
            if n in self.env:
                self.env[n].fresh = False
        self.env[name] = Var(e.shape if shape is None else shape, e.bound, not e.alias)

    def statement(self, depth: int) -> str:
        updatable = [n for n, v in self.env.items() if v.fresh]
        pairs = [h for h in self.helpers if len(h.outs) == 2]
        singles = [h for h in self.helpers if len(h.outs) == 1]
        updatable = [n for n in updatable if n not in self.readonly]
        swaps = self.swappable()
        nest = self.depth_cf < 2 and self.nodes < NODE_BUDGET - 6
        kind = self.weighted(
            [
                (6, "assign"),
                (0 if self.depth_cf else 1, "int_local"),
                (3 if singles else 0, "call"),
                (2 if self.targets() else 0, "reassign"),
                (3 if updatable else 0, "augment"),
                (1, "tuple"),
                (1 if pairs else 0, "tuple_helper"),
                (
                    (
                        1
                        if any(v.shape and v.shape[0] == 2 for v in self.env.values())
                        else 0
                    ),
                    "unpack_array",
                ),
                (1 if swaps else 0, "swap"),
                (3 if nest else 0, "if"),
                (2 if nest else 0, "for_range"),
                (1 if nest and self.rows_sources() else 0, "for_rows"),
                (1 if nest else 0, "while_counter"),
                (1 if nest else 0, "while_value"),
            ]
        )
        if kind in ("if", "for_range", "for_rows", "while_counter", "while_value"):
            self.tag("control_flow", kind)
            return "\n".join(getattr(self, "s_" + kind)(depth))
        if kind in ("assign", "reassign"):
            name = (
                self.fresh_name(LOCALS)
                if kind == "assign"
                else self.pick(self.targets())
            )
            e = self.fit(name, self.expr(self.shape_for(name), depth))
            self.bind(name, e)
            return f"{name} = {e.text}"
        if kind == "int_local":
            self.tag("int_local")
            name = self.pick([n for n in INT_NAMES if n not in self.ints] or INT_NAMES)
            options = ["1"]
            for n, v in self.env.items():
                if v.shape and v.shape[0] in (2, 3):
                    options.append(f"len({n}) - {v.shape[0] - 1}")
                if len(v.shape) >= 2 and v.shape[-1] in (2, 3):
                    options.append(f"{n}.shape[-1] - {v.shape[-1] - 1}")
            if "K" in self.constants:
                options.append(f"K - {self.constants['K'] - 1}")
            if name not in self.ints:
                self.ints.append(name)
            return f"{name} = {self.pick(options)}"
        if kind == "call":
            helper = self.pick(singles)
            names = self.targets(helper.outs[0])
            name = (
                self.fresh_name(LOCALS)
                if not names or self.chance(0.7)
                else self.pick(names)
            )
            e = self.fit(name, self.call_helper(helper, depth - 1))
            self.bind(name, e)
            return f"{name} = {e.text}"
        if kind == "augment":
            self.tag("augmented")
            name = self.pick(updatable)
            v = self.env[name]
            square = len(v.shape) == 2 and v.shape[1] > 1
            op = self.pick(["+=", "-=", "*=", "/=", "**="] + (["@="] if square else []))
            line = self.augment(name, v, op, depth)
            limit = self.limits.get(name, MAX_BOUND)
            if self.env[name].bound > limit:  # a loop may not grow it trip by trip
                self.env[name] = Var(v.shape, 1.0, True)
                line += f"\n{name} = np.tanh({name})"
            return line
        if kind == "tuple":
            self.tag("tuple")
            names = [self.fresh_name(LOCALS), self.pick(self.targets() + LOCALS)]
            if names[0] == names[1] or names[1] in self.readonly:
                names[1] = self.fresh_name([n for n in LOCALS if n != names[0]])
            es = [self.fit(n, self.expr(self.shape_for(n), depth)) for n in names]
            for n, e in zip(names, es, strict=True):
                self.bind(n, e)
            return f"{names[0]}, {names[1]} = {es[0].text}, {es[1].text}"
        if kind == "tuple_helper":
            self.tag("tuple", "helper")
            helper = self.pick(pairs)
            call_e = self.call_helper(helper, depth)
            names = [self.fresh_name(LOCALS), self.fresh_name(LOCALS)]
            if names[0] == names[1]:
                names[1] = self.fresh_name([n for n in LOCALS if n != names[0]])
            for n, s in zip(names, helper.outs, strict=True):
                self.bind(n, Ex(n, s, helper.bound, alias=call_e.alias | {"<helper>"}))
            return f"{names[0]}, {names[1]} = {call_e.text}"
        if kind == "unpack_array":
            self.tag("tuple", "unpack_array")
            src = self.pick(
                [n for n, v in self.env.items() if v.shape and v.shape[0] == 2]
            )
            e = (
                self.var(src)
                if self.chance(0.5)
                else self.expr(self.env[src].shape, depth)
            )
            names = [self.fresh_name(LOCALS)]
            names.append(self.fresh_name([n for n in LOCALS if n != names[0]]))
            for n in names:
                self.bind(n, Ex(n, e.shape[1:], e.bound, alias=viewed(e, e.shape[1:])))
            return f"{names[0]}, {names[1]} = {e.text}"
        # swap two names
        self.tag("tuple", "swap")
        a, b = self.pick(swaps)
        va, vb = self.env[a], self.env[b]
        va.fresh = vb.fresh = False
        self.env[a], self.env[b] = vb, va
        return f"{a}, {b} = {b}, {a}"

    def augment(self, name: str, v: Var, op: str, depth: int) -> str:
        """``name op= e`` (``name`` owns its array); sets its new bound."""
        if op == "**=":
            self.env[name] = Var(v.shape, min(v.bound, 6.0) ** 2, True)
            if v.bound > 6.0:  # keep the square bounded: no **= on a large value
                self.env[name] = Var(v.shape, 1.0, True)
                return f"{name} = np.tanh({name})"
            return f"{name} **= 2"
        if op == "@=":  # (n, k) @ (k, k) keeps the shape
            self.tag("matmul")
            k = v.shape[1]
            e = self.bounded((k, k), depth, 2.0)
            self.env[name] = Var(v.shape, v.bound * e.bound * k, True)
            line = f"{name} @= {e.text}"
            if v.bound * e.bound * k > MAX_BOUND:
                self.env[name] = Var(v.shape, 1.0, True)
                line += f"\n{name} = np.tanh({name})"
            return line
        rhs_shape = self.pick([v.shape, *self.into(v.shape)])
        if op == "/=":
            e = self.positive(rhs_shape, depth)
            bound = v.bound / max(e.low, 0.05)
        else:
            e = self.expr(rhs_shape, depth)
            bound = v.bound * e.bound if op == "*=" else v.bound + e.bound
        self.env[name] = Var(v.shape, bound, True)
        line = f"{name} {op} {e.text}"
        if bound > MAX_BOUND:
            self.env[name] = Var(v.shape, 1.0, True)
            line += f"\n{name} = np.tanh({name})"
        return line

    # --- control flow ---------------------------------------------------------
    # Blocks keep the generator's bookkeeping exact on every path: a name of the
    # enclosing scope keeps its shape in a block (``frozen``); after an ``if`` a
    # name is known if every path that arrives bound it, with the same shape; a
    # name a loop carries keeps a bound, trip after trip (``limits``: what the
    # loop body assigns to it is squashed below it); a name bound in a loop body
    # is forgotten after the loop (adgen gives it no value there).  Loops run a
    # few times: ``range`` of small constants or of a dimension, the rows of an
    # array, ``while`` over an integer counter, or ``while z < 2.0`` where ``z``
    # grows by at least 0.36 a trip.  ``break``, ``continue`` and early
    # ``return``s end branches of an ``if``; an ``else`` never exits, so the
    # code after the ``if`` is always reachable.

    def swappable(self) -> list[tuple[str, str]]:
        """Pairs ``a, b = b, a`` may exchange without changing a frozen shape or
        carrying a value above a loop's bound."""
        out = []
        for a, b in itertools.permutations(self.targets(), 2):
            va, vb = self.env[a], self.env[b]
            if (a in self.frozen or b in self.frozen) and va.shape != vb.shape:
                continue
            if vb.bound > self.limits.get(a, math.inf) or va.bound > self.limits.get(
                b, math.inf
            ):
                continue
            out.append((a, b))
        return out

    def rows_sources(self) -> list[str]:
        return [n for n, v in self.env.items() if v.shape]

    def condition(self, depth: int) -> str:
        """A scalar test: a comparison of values (``np.sum(a) > 0.3``), or of a
        loop's counter (``it == 1``), which no point can move."""
        if self.loop_ints and self.chance(0.25):
            self.tag("condition_on_loop_variable")
            name, top = self.pick(self.loop_ints)
            op = self.pick(["==", ">", "<", "!=", ">="])
            return f"{name} {op} {self.pick(range(top + 1))}"
        left = self.expr((), max(depth - 1, 1))
        op = self.pick([">", "<", ">=", "<="])
        if self.chance(0.6):
            right = lit(self.pick([0.3, 0.0, -0.5, 1.0]))
        else:
            right = self.expr((), max(depth - 2, 0))
        return f"{par(left, CMP + 1)} {op} {par(right, CMP + 1)}"

    def copy_env(self) -> dict[str, Var]:
        return {k: Var(v.shape, v.bound, v.fresh) for k, v in self.env.items()}

    def block(
        self, depth: int, may_exit: bool, setup=None
    ) -> tuple[list[str], dict[str, Var]]:
        """The statements of a branch or loop body, drawn in a copy of the scope;
        returns them (indented) and the scope at their end."""
        outer, frozen = self.env, self.frozen
        self.env = self.copy_env()
        self.frozen = {**frozen, **{k: v.shape for k, v in self.env.items()}}
        self.depth_cf += 1
        lines = setup() if setup else []
        lines += self.body(self.pick([1, 2, 3]), depth)
        if may_exit and self.chance(0.3):
            lines += self.exit(depth)
        self.depth_cf -= 1
        env, self.env, self.frozen = self.env, outer, frozen
        return [f"    {ln}" for ln in lines], env

    def exit(self, depth: int) -> list[str]:
        """A ``return``, ``break`` or ``continue`` ending a block, if one may (marked
        by ``EXITED``, which ``s_if`` and ``loop`` strip)."""
        options = ["return"] if self.ret_shape is not None else []
        if self.loops:
            options += ["break", "continue"]
        if not options:
            return []
        kind = self.pick(options)
        self.tag(f"exit_{kind}" + ("_in_loop" if self.loops else ""))
        if kind != "return":
            return [kind, EXITED]
        if self.in_helper:
            e = self.expr(self.ret_shape, 2)
            self.ret_bound = max(self.ret_bound, e.bound)
            return [f"return {e.text}", EXITED]
        e = self.final(2, self.pick(list(self.env)))
        return [f"return {e.text}", EXITED]

    def merge(self, arriving: list[dict[str, Var]]) -> dict[str, Var]:
        """The scope after an ``if``: names every arriving path bound alike."""
        out = {}
        for k in arriving[0]:
            vs = [env.get(k) for env in arriving]
            if any(v is None for v in vs) or len({v.shape for v in vs}) > 1:
                continue
            out[k] = Var(
                vs[0].shape, max(v.bound for v in vs), all(v.fresh for v in vs)
            )
        return out

    def s_if(self, depth: int) -> list[str]:
        arms = self.pick([1, 1, 2])
        has_else = self.chance(0.5)
        lines, arriving = [], []
        for i in range(arms):
            cond = self.condition(depth)
            body, env = self.block(depth, may_exit=True)
            lines += [f"{'elif' if i else 'if'} {cond}:", *body]
            if lines[-1].strip() == EXITED:
                lines.pop()
            else:
                arriving.append(env)
            if i:
                self.tag("elif")
        if has_else:  # never exits: the code after the if stays reachable
            body, env = self.block(depth, may_exit=False)
            lines += ["else:", *body]
            arriving.append(env)
        else:
            arriving.append(self.copy_env())
        self.env = self.merge(arriving)
        return lines

    def loop(self, depth: int, header: list[str], setup=None) -> list[str]:
        """``header`` and a body; the scope afterwards keeps the names it had, with
        the bounds the body kept them under (see above)."""
        outer_limits, outer_readonly = self.limits, self.readonly
        outer_ints = self.loop_ints
        for v in self.env.values():
            v.bound = max(v.bound, 1.0)  # squashing gives 1.0: the bound must allow it
            v.fresh = False  # trip 2 sees the aliases of trip 1's end
        before = self.copy_env()
        self.limits = {**self.limits, **{k: v.bound for k, v in before.items()}}
        self.loops.append(header[-1])
        body, _ = self.block(depth, True, setup)
        self.loops.pop()
        self.limits, self.readonly, self.loop_ints = (
            outer_limits,
            outer_readonly,
            outer_ints,
        )
        self.env = before
        return [*header, *(ln for ln in body if ln.strip() != EXITED)]

    def loop_variable(self, pool: list[str]) -> str:
        return self.pick([n for n in pool if n not in self.readonly] or ["_"])

    def s_for_range(self, depth: int) -> list[str]:
        """``for it in range(...)``: small constant bounds, or a dimension."""
        options: list[tuple[str, list[int]]] = [
            ("range(2)", [0, 1]),
            ("range(3)", [0, 1, 2]),
            ("range(1, 3)", [1, 2]),
            ("range(0, 3, 2)", [0, 2]),
            ("range(2, -1, -1)", [2, 1, 0]),
            ("range(3, 3)", []),  # no trip at all
        ]
        if "K" in self.constants:
            options.append(("range(K)", list(range(self.constants["K"]))))
        for n, v in self.env.items():
            if v.shape:
                options.append((f"range(len({n}))", list(range(v.shape[0]))))
                options.append((f"range({n}.shape[-1])", list(range(v.shape[-1]))))
        text, values = self.pick(options)
        if not values:
            self.tag("loop_without_trips")
        name = "_" if self.chance(0.15) else self.loop_variable(RANGE_NAMES)

        def setup() -> list[str]:
            if name != "_":
                self.readonly = self.readonly | {name}
                self.loop_ints = [*self.loop_ints, (name, max(values, default=0))]
            return []

        return self.loop(depth, [f"for {name} in {text}:"], setup)

    def s_for_rows(self, depth: int) -> list[str]:
        """``for row in X``: the first axis of a variable (or of an expression)."""
        source = self.pick(self.rows_sources())
        v = self.env[source]
        if self.chance(0.2):
            e = self.expr(v.shape, max(depth - 1, 1))
            source, v = e.text, Var(e.shape, e.bound, False)
        name = self.loop_variable(ROW_NAMES)
        self.tag("loop_over_rows")

        def setup() -> list[str]:
            self.readonly = self.readonly | {name}
            self.env[name] = Var(v.shape[1:], max(v.bound, 1.0), False)
            return []

        return self.loop(depth, [f"for {name} in {source}:"], setup)

    def s_while_counter(self, depth: int) -> list[str]:
        """``while count < 3:``, the counter stepped first (so ``continue`` is safe)."""
        name = self.loop_variable(COUNTER_NAMES)
        n = self.pick([2, 3, "K" if "K" in self.constants else 2])
        top = self.constants["K"] if n == "K" else n
        step = self.pick([f"{name} += 1", f"{name} = {name} + 1"])

        def setup() -> list[str]:
            self.readonly = self.readonly | {name}
            self.loop_ints = [*self.loop_ints, (name, top)]
            return [step]

        return self.loop(depth, [f"{name} = 0", f"while {name} < {n}:"], setup)

    def s_while_value(self, depth: int) -> list[str]:
        """``while z < 2.0: z = z + <at least 0.36>``: the trip count depends on
        the point (a jump where it changes, which the tests keep away from)."""
        name = self.fresh_name(LOCALS)
        start = self.bounded((), max(depth - 1, 1), 1.0)
        limit = self.pick([1.0, 2.0, 1.5, 0.0])  # 0.0: sometimes no trip
        self.bind(name, start)
        self.env[name].bound = max(start.bound, limit) + 3.0

        def setup() -> list[str]:
            self.readonly = self.readonly | {name}  # only the step changes it
            inc = self.positive_small((), max(depth - 1, 1))
            op = self.pick([f"{name} = {name} + ", f"{name} += "])
            return [f"{op}{inc.text}"]

        return self.loop(
            depth, [f"{name} = {start.text}", f"while {name} < {limit}:"], setup
        )

    def body(self, n: int, depth: int) -> list[str]:
        lines = []
        for _ in range(n):
            lines.extend(self.statement(self.pick(range(1, depth + 1))).split("\n"))
        return lines

    def final(self, depth: int, last: str | None) -> Ex:
        """The returned scalar: a reduction of the last value, plus maybe more."""
        if last is None or last not in self.env:
            return self.expr((), depth)
        v = self.var(last)
        if v.shape == ():
            core = v
        else:
            how = self.weighted(
                [
                    (4, "np.sum"),
                    (3, "np.mean"),
                    (1, "sum_method"),
                    (1, "logsumexp"),
                    (1, "np.max"),
                ]
            )
            if how == "sum_method":
                core = Ex(f"{last}.sum()", (), v.bound * size(v.shape))
            elif how == "logsumexp":
                core = call("logsumexp", self.squash(v, 10.0), shape=(), bound=12.0)
            else:
                core = call(how, v, shape=(), bound=v.bound * size(v.shape))
        if self.chance(0.4):
            other = self.expr((), max(depth - 1, 1))
            return binop(
                core,
                self.pick(["+", "*", "-"]),
                other,
                (),
                core.bound * other.bound + core.bound,
            )
        return core

    # --- whole programs ---------------------------------------------------
    def helper(self, index: int) -> Helper:
        name = self.pick([f"h{index}", f"_h{index}", f"layer{index}"])
        n_params = self.pick([1, 2, 3])
        params = []
        for pname in HELPER_PARAMS[:n_params]:
            params.append((pname, self.pick([(), *PARAM_SHAPES])))
        arg_bound = self.pick([2.5, MAX_BOUND])
        saved, saved_ints = self.env, self.ints
        self.env = {p: Var(s, arg_bound, False) for p, s in params}
        self.ints = []
        self.in_helper = True
        self.nodes = NODE_BUDGET - HELPER_BUDGET
        two = self.chance(0.2)  # a helper returning two values (never early)
        self.ret_shape = None if two else self.pick(STATEMENT_SHAPES)
        self.ret_bound = 0.0
        lines = self.body(self.pick([0, 1, 2, 3]), 2)
        last = list(self.env)[-1]
        if two:
            outs = [self.pick(STATEMENT_SHAPES), self.pick(STATEMENT_SHAPES)]
            es = [self.expr(s, 2) for s in outs]
            ret = f"{es[0].text}, {es[1].text}"
            bound = max(e.bound for e in es)
        else:
            returns_early = any(ln.strip().startswith("return ") for ln in lines)
            shape = (
                self.env[last].shape
                if not returns_early and self.chance(0.5)
                else self.ret_shape
            )
            e = self.expr(shape, 2)
            outs, ret, bound = [shape], e.text, max(e.bound, self.ret_bound)
        self.ret_shape = ()
        self.env, self.ints = saved, saved_ints
        self.in_helper = False
        nodes, self.nodes = self.nodes - (NODE_BUDGET - HELPER_BUDGET), 0
        sig = ", ".join(p for p, _ in params)
        doc = ['    """A helper, inlined by adgen."""'] if self.chance(0.2) else []
        text = "\n".join(
            [
                f"def {name}({sig}):",
                *doc,
                *(f"    {ln}" for ln in lines),
                f"    return {ret}",
            ]
        )
        return Helper(name, params, outs, bound, arg_bound, text, nodes)

    def program(self) -> Program:
        draw = self.draw
        # module constants
        if self.chance(0.5):
            self.constants["SCALE"] = self.pick([0.5, -1.5, 2.0])
        if self.chance(0.3):
            self.constants["K"] = self.pick([2, 3])
        if self.chance(0.3):
            self.constants["IDX"] = 1
        if self.chance(0.15):
            self.constants["W"] = [0.5, -1.0, 2.0]
        if self.chance(0.3):  # an exponent: x ** P
            self.constants["P"] = self.pick([0, 2, -1, 0.0, 1, 3, -2, -1.0])
        if self.chance(0.12):
            self.rebind_constant()
        for i in range(self.pick([0, 1, 1, 2, 3])):
            self.helpers.append(self.helper(i))
        # parameters
        n_params = self.pick([1, 2, 2, 3, 3, 4])
        params: list[tuple[str, Shape]] = []
        names = PARAM_NAMES[:n_params]
        if self.chance(0.1):
            self.tag("clashing_name")
            names[self.pick(range(n_params))] = self.pick(CLASHING_PARAMS)
        scalars_only = self.chance(0.2)  # declared float: grad_f's float path
        if scalars_only:
            self.tag("scalars_only")
        for pname in names:
            shape = () if scalars_only else self.pick([*PARAM_SHAPES, ()])
            params.append((pname, shape))
        data = self.data_parameters(scalars_only)
        self.env = {p: Var(s, 2.1, s == ()) for p, s in params}
        n_stmts = self.pick([1, 2, 3, 4, 5, 6])
        lines = self.body(n_stmts, 3)
        assigned = [
            ln.split("=")[0].split(",")[-1].strip().split(" ")[0] for ln in lines
        ]
        e = self.final(2, assigned[-1] if assigned else None)
        if self.data and not any("deg" in ln for ln in lines):
            e = self.with_data_exponent(e)
        if self.rebound and self.chance(0.7):  # its value matters
            gain = Ex("GAIN", (), abs(self.constants["GAIN"]))
            e = binop(gain, "*", e, (), gain.bound * e.bound)
        # declarations (always true to the drawn shapes)
        style = self.pick(["none", "decorator", "annotation", "symbolic"])
        dims = {2: "n", 3: "m"}
        decls = []
        sig = []
        for pname, shape in params + data:
            if shape == ():
                sig.append(
                    f"{pname}: float" if style != "none" or self.chance(0.3) else pname
                )
                continue
            spelled = " ".join(
                dims.get(n, str(n)) if style == "symbolic" else str(n) for n in shape
            )
            if style == "annotation":
                sig.append(f'{pname}: "{spelled}"')
            else:
                sig.append(pname)
                if style in ("decorator", "symbolic"):
                    decls.append(f'{pname}="{spelled}"')
        self.tag(f"declared_{style}")
        head = []
        if decls:
            head.append(f"@shapes({', '.join(decls)})")
        head.append(f"def f({', '.join(sig)}):")
        if self.chance(0.15):
            head.append('    """A fuzzed model."""')
        module = [
            '"""A generated program (tests/fuzz_programs.py)."""',
            "",
            "# ruff: noqa: F401, F841",
            "import math",
            "",
            "import numpy as np",
            "from scipy.special import expit, logsumexp",
        ]
        if decls:
            module.append("from adgen import shapes")
        module.append("")
        misread = list(module)  # a rebound constant as its first literal
        for name, value in self.constants.items():
            first = self.rebound.get(name)
            module.append(f"{name} = {first[0] if first else repr(value)}")
            misread.append(module[-1])
            module.extend(first[1:] if first else [])
        module.append("")
        misread.append("")
        tail: list[str] = []
        for h in self.helpers:
            tail += ["", h.text, ""]
        tail += [
            "",
            *head,
            *(f"    {ln}" for ln in lines),
            f"    return {e.text}",
            "",
        ]
        text = "\n".join(module + tail)
        misread_text = "\n".join(misread + tail) if self.rebound else None
        # the point: a grid value plus a jitter that makes ties between entries unlikely
        # (one draw for the whole point: Hypothesis spends its effort on programs)
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        point: dict[str, object] = {}
        for i, (pname, shape) in enumerate(params):
            n = size(shape)
            ks = rng.integers(-20, 21, n).tolist()
            vals = [round(k / 10 + jitter(i, j), 6) for j, k in enumerate(ks)]
            point[pname] = (
                vals[0] if shape == () else np.array(vals).reshape(shape).tolist()
            )
        for (pname, shape), (_, _, signed) in zip(data, self.data, strict=True):
            values = rng.integers(-2 if signed else 0, 4, max(size(shape), 1))
            if shape == ():  # a Python int or float
                v = int(values[0])
                point[pname] = v if self.chance(0.5) else float(v)
            else:
                point[pname] = values.astype(float).reshape(shape).tolist()
            if not values.all():
                self.tag("zero_data_exponent")
        self.tags.add(f"params_{n_params}")
        lists = any(s for _, s in params) and self.chance(0.3)
        if lists:
            self.tag("list_inputs")
        return Program(
            text,
            params,
            point,
            len(self.helpers),
            n_stmts,
            self.tags,
            data,
            misread_text,
            lists,
        )

    def rebind_constant(self) -> None:
        """``GAIN = 3.0`` and then, at module level, ``GAIN = GAIN * 2.0`` (or
        another rebinding): a module constant whose value is not its first literal."""
        self.tag("rebound_constant")
        first = self.pick([3.0, 0.5, -2.0])
        how = self.pick(["times", "literal", "augmented", "negated"])
        line, value = {
            "times": ("GAIN = GAIN * 2.0", first * 2.0),
            "literal": ("GAIN = 1.5", 1.5),
            "augmented": ("GAIN += 0.5", first + 0.5),
            "negated": ("GAIN = -GAIN", -first),
        }[how]
        self.constants["GAIN"] = value
        self.rebound["GAIN"] = [repr(first), line]

    def with_data_exponent(self, e: Ex) -> Ex:
        """``e + np.sum(<base> ** deg)``: the data parameter used at least once."""
        _, shape, _ = self.data[0]
        self.nodes = min(self.nodes, NODE_BUDGET - 4)
        term = self.g_pow_data(shape, 1)
        if shape:
            term = call("np.sum", term, shape=(), bound=term.bound * size(shape))
        return binop(e, "+", term, (), e.bound + term.bound)

    def data_parameters(self, scalars_only: bool) -> list[tuple[str, Shape]]:
        """Parameters that are data, not differentiated: integer-valued exponents
        (``x ** n``), 0 included; negative ones only over positive bases."""
        if not self.chance(0.25):
            return []
        self.tag("data_parameter")
        shape = () if scalars_only else self.pick([(), *PARAM_SHAPES])
        signed = self.chance(0.4)
        self.data = [("deg", shape, signed)]
        return [("deg", shape)]


def growth(have: Shape, want: Shape) -> int:
    """How many concatenations ``derive`` needs to make ``want`` from ``have``."""
    if not have:
        have = (3,)
    k = min(len(have), len(want))
    tail = zip(have[len(have) - k :], want[len(want) - k :], strict=True)
    grow = sum(1 for h, w in tail if w > h)
    return grow + (len(want) - k > 0 and max(want[: len(want) - k]) > 1)


def jitter(param: int, entry: int) -> float:
    """A fixed, irregular offset in (-0.05, 0.05) for each entry of each parameter."""
    return ((param * 7 + entry * 3 + 1) * 0.6180339887) % 0.1 - 0.05


@st.composite
def programs(draw) -> Program:
    """A random program with a point (see the module docstring)."""
    return Gen(draw).program()


# --------------------------------------------------------------------------
# singular points
# --------------------------------------------------------------------------
# Terms with a singularity at z == 0, each with what its derivative is there:
# the tests compare adgen with autograd, which computes these in numpy as well.
SINGULAR_TERMS = [
    ("np.log(z)", "inf"),
    ("np.sqrt(z)", "inf"),
    ("1.0 / z", "inf"),
    ("np.divide(2.0, z)", "inf"),
    ("z ** -1", "inf"),
    ("z ** -2.0", "inf"),
    ("z ** 0.5", "inf"),
    ("np.power(z, 1.5)", "0"),
    ("z ** 0", "zero exponent"),
    ("z ** 0.0", "zero exponent"),
    ("np.power(z, 0)", "zero exponent"),
    ("z ** P", "zero exponent"),  # P = 0 at module level
    ("z ** deg", "zero exponent"),  # deg: data, 0 where z is
    ("np.log(z * z)", "inf"),
    ("np.log1p(z) / z", "nan"),
]
SINGULAR_FACTORS = ["", "2.0 * ", "np.sin(x) * ", "x * ", "np.exp(x) * "]


@st.composite
def singular_programs(draw) -> Program:
    """``f(z, x[, deg])`` summing 1-3 terms that are singular at z == 0, times
    smooth factors of x; z is 0 (a Python float) or an array with zeros."""
    gen = Gen(draw)
    shape = gen.pick([(), (3,), (2, 3)])
    terms = [gen.pick(SINGULAR_TERMS) for _ in range(gen.pick([1, 2, 3]))]
    uses_deg = any("deg" in t for t, _ in terms)
    lines = []
    for t, kind in terms:
        if kind == "zero exponent":
            gen.tag("zero_exponent")
        factor = gen.pick(SINGULAR_FACTORS)
        lines.append(f"np.sum({factor}{t})" if shape else f"{factor}{t}")
    declared = gen.chance(0.5)  # z: float, the float path of grad_f
    sig = ["z: float" if declared and not shape else "z", "x"]
    if uses_deg:
        sig.append("deg")
    text = "\n".join(
        [
            '"""A generated program at a singular point (tests/fuzz_programs.py)."""',
            "",
            "import numpy as np",
            "",
            "P = 0",
            "",
            "",
            f"def f({', '.join(sig)}):",
            f"    return {' + '.join(lines)}",
            "",
        ]
    )
    n = size(shape)
    zeros = [gen.chance(0.7) or i == 0 for i in range(n)]
    z = [
        0.0 if zero else round(0.3 + 0.4 * i + jitter(0, i), 6)
        for i, zero in enumerate(zeros)
    ]
    x = [round(-1.0 + 0.7 * i + jitter(1, i), 6) for i in range(n)]
    point: dict[str, object] = {
        "z": z[0] if not shape else np.reshape(z, shape).tolist(),
        "x": x[0] if not shape else np.reshape(x, shape).tolist(),
    }
    params = [("z", shape), ("x", shape)]
    data = []
    if uses_deg:  # 0 where z is 0, else 1 or 2
        degs = [0 if zero else 1 + i % 2 for i, zero in enumerate(zeros)]
        point["deg"] = (
            degs[0] if not shape else np.reshape(degs, shape).astype(float).tolist()
        )
        data = [("deg", shape)]
    gen.tag(f"singular_{'scalar' if not shape else 'array'}")
    return Program(text, params, point, tags=gen.tags, data=data)
