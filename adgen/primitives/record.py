"""The record type: everything adgen knows about one primitive, in one place.

A ``Primitive`` is registered once (``register``) by the module of its family
(``elementwise.py``, ``special.py``, ``reductions.py``, ``scans.py``,
``linalg.py``, ``matrices.py``, ``shape_ops.py``, ``reshaping.py``,
``gradient_code.py``), and holds

* **recognition**: the qualified names it is called by (``numpy.sin``), the
  array methods and attributes that mean it (``x.sum()``, ``x.T``), and its
  ``math`` module spelling (``math.asin`` for ``arcsin``);
* **signature and spelling**: its array operands, static parameters, and how
  its value is written in emitted code (``forward``);
* **its derivative**: one VJP partial per operand (``vjp``; no ``vjp`` at all:
  not differentiable), and how forward mode reads it (``tangent``; ``jvp``
  where it has a tangent rule of its own);
* **refusals**: the static parameters its rules do not cover (``refuse``),
  refused where the call is written;
* **shape facts** the passes need: elementwise (broadcasts its operands), the
  operand whose shape the output has, and so on.

Every partial has the same signature, ``partial(g, ans, *operands, ctx)``
(``partial(g, ans, i, xs, ctx)`` for a list of operands): ``g`` the adjoint
of the output, ``ans`` the node's value, the operands as ``E`` expressions
(``expr.py``), and a ``RuleContext`` that carries what the node's context
tells: static parameters (``ctx.axis``), operand ranks, which operands are
active, and the library of the call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..expr import E, Namespace

np = Namespace("np")  # builds numpy calls in emitted code; not numpy itself
math = Namespace("math")
scipy_special = Namespace("scipy", "special")
runtime = (
    Namespace()
)  # bare names of adgen/runtime.py helpers, imported by emitted code

Forward = Callable[..., E]  # (*operands: E, **static params) -> E
Partial = Callable[..., E | None] | None

# How forward mode reads a primitive's rule (forward.py):
# * "elementwise": a partial is g times the partial derivative, so the tangent is
#   each active operand's partial with g replaced by its tangent;
# * "linear": the primitive is its own derivative: itself applied to the tangents;
# * "reduction": the partial seeded with ones, contracted with the tangent over
#   the reduced axes;
# * "jvp": the record's own ``jvp`` partials, one per operand, with the signature
#   of the VJP partials and ``g`` the operand's tangent (sort, det, eigh ...);
# * "rule": the user's own rule decides (custom.py).
Tangent = Literal["elementwise", "linear", "reduction", "jvp", "rule"]
# (static params) -> None, or (message, hint) of a located refusal: a call with
# parameters the rules do not cover (np.linalg.norm(x, ord=3), '...' in einsum)
Refusal = Callable[[Mapping[str, Any]], tuple[str, str] | None]


@dataclass(frozen=True)
class RuleContext:
    """What a rule may read beyond its operands, the same for every rule: the
    node's static parameters (also as attributes: ``ctx.axis``), the operands'
    ranks (``None`` where unknown), which operands are active, and ``lib``:
    ``math`` for a ``math.*`` call (math.sin's rule is ``g * math.cos(x)``: np.cos
    of a Python float is a float64 numpy scalar, which turns float32 float64),
    else ``np``."""

    params: Mapping[str, Any] = field(default_factory=dict)
    ndims: tuple[int | None, ...] = ()
    active: tuple[bool, ...] = ()
    lib: Namespace = np

    def __getattr__(self, key: str) -> Any:
        if key == "params":  # not yet set (copying): no recursion
            raise AttributeError(key)
        try:
            return self.params[key]
        except KeyError:
            raise AttributeError(key) from None


@dataclass(frozen=True)
class Primitive:
    name: str
    forward: Forward  # how its value is written: (*operands, **statics) -> E
    # array operands, in call order; ("*",) means a list of them
    operands: tuple[str, ...] = ("x",)
    # static parameters, with their defaults
    statics: dict[str, Any] = field(default_factory=dict)
    # operands numpy lets be None, and the number None stands for
    none_means: dict[str, float] = field(default_factory=dict)
    elementwise: bool = False  # output has the broadcast shape of the operands
    shaped_like: str | None = None  # the operand whose shape the output has, if any
    # recognition: qualified names, array methods and attributes that mean it
    calls: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    math: str | None = None  # its math module name: `math.<math>` reads and writes it
    # the derivative: one partial per operand (None: that operand gets no
    # gradient); one for a list of operands; None: not differentiable
    vjp: tuple[Partial, ...] | None = None
    tangent: Tangent = "elementwise"
    jvp: tuple[Partial, ...] | None = None  # read when tangent == "jvp"
    refuse: Refusal | None = None  # the static parameters it does not support
    # the partial reads its operand only for its shape and dtype (np.full_like(x, g))
    shape_only: bool = False
    # elementwise with the broadcast float dtype of its float operands (not a
    # comparison's bool, not where's condition)
    float_result: bool | None = None
    # its function in the array API standard (``--target array-api``): "" means
    # the numpy name, where the standard has it (``SAME_AS_NUMPY``); None: the
    # standard lacks it (runtime_xp.py's helper of that name, else a refusal)
    array_api: str | None = ""
    # "print" or "assert": a statement kept for its effect, not a value (effects.py)
    effect: str | None = None
    # its value may be its first operand's memory (numpy gives a view, or the
    # operand itself): a gradient that is such a value of an argument is copied
    # before it is returned (optimize/fresh.py)
    view: bool = False

    @property
    def differentiable(self) -> bool:
        return self.vjp is not None

    @property
    def variadic(self) -> bool:
        return self.operands == ("*",)

    @property
    def keeps_float(self) -> bool:
        return self.elementwise if self.float_result is None else self.float_result


def library(lib: str | None) -> Namespace:
    """The namespace ``ctx.lib`` calls: ``math`` for math.* calls, else ``np``."""
    return math if lib == "math" else np


PRIMITIVES: dict[str, Primitive] = {}


def register(primitive: Primitive) -> Primitive:
    """Add ``primitive`` to the registry; a name is registered once."""
    assert primitive.name not in PRIMITIVES, primitive.name
    PRIMITIVES[primitive.name] = primitive
    return primitive


def call(fn: Callable[..., E]) -> Forward:
    """Forward spelling ``fn(x, ...)``: a plain call on the operands."""

    def forward(*operands: E, **params: Any) -> E:
        return fn(*operands, **params)

    return forward


def numpy_unary(
    name: str,
    partial: Partial,
    math_name: str | None = None,
    also: tuple[str, ...] = (),
    array_api: str | None = "",
) -> Primitive:
    """An elementwise numpy function of one array, ``np.<name>(x)``, with its VJP
    ``partial``; ``math_name``: the same function in Python's math module;
    ``also``: other qualified names that call it; ``array_api``: its name in the
    array API standard where that differs (``Primitive.array_api``)."""
    math_call = (f"math.{math_name}",) if math_name else ()
    return register(
        Primitive(
            name,
            call(getattr(np, name)),
            elementwise=True,
            calls=(f"numpy.{name}", *math_call, *also),
            math=math_name,
            vjp=(partial,),
            array_api=array_api,
        )
    )
