"""Higher order: adgen's own gradient code, as a model to differentiate again.

The fused gradient adgen builds (``grad_f`` in the output IR, before the
optimize passes that make it fast) is flat Python over numpy and the
``adgen.runtime`` helpers, and every helper is a primitive with a rule
(``primitives/``), so it is itself a model adgen can compile.  ``gradient_model``
turns it into one: each component of the gradient becomes a function
returning that one component (the IR has one output), with the parameter
shapes the model declares, and the run-time scalar check is left to the
caller.  Compiled in forward mode, the gradient model gives Hessian-vector
products (forward-over-reverse); in reverse mode, the gradient of the
gradient.  ``tangent_model`` does the same with forward mode's ``jvp_f``
(reverse-over-forward, the way through loops and branches).

The IR is taken before the float path, ``math`` spellings and ``del``s are
added, so nothing has to be undone; it is printed as the text of a model,
which the front end reads as it reads any model.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, replace

from . import program as P
from .emit import imports_for
from .errors import Location, NonScalarOutput, NotSupportedYet, UnsupportedSyntax
from .expr import numpy_function
from .optimize.copies import (
    fold_single_uses,
    forward_copies,
    substitute,
    typed_gradients,
)
from .optimize.scalars import has_float_path
from .pipeline import Stages
from .simplify import simplify_expr


@dataclass(frozen=True)
class GradientModel:
    """The source of a model whose functions are the components of ``f``'s gradient."""

    path: str  # a name for messages and docstrings
    text: str
    functions: list[str]  # one per wrt parameter, in order
    params: list[str]  # the parameters of every function (f's, as emitted)
    checks_scalar: bool  # grad_f checked at run time that f's output is a scalar


def gradient_model(
    stages: Stages, name: str, wrt: list[str], path: str
) -> GradientModel:
    """The model made of ``grad_<name>`` in ``stages.program`` (the unoptimized
    output IR, compiled with ``wrt``): ``grad_<name>`` itself for one parameter,
    else ``grad_<name>_<param>``, with the parameter shapes the model declares.
    Where the fast ``grad_f`` has a float path, each value read once is folded
    into its reader, as there: ``x1_bar = np.cos(x1) + x2``."""
    program = stages.program
    _refuse_containers(stages, name)
    grad = _function(program, P.GRAD, name)
    if grad is None:
        raise NonScalarOutput(
            f"`{name}` returns an array, not a scalar: its gradient has no second derivative here"
        )
    _refuse_stacks(grad, name, path)
    checks_scalar = any(isinstance(s, P.ScalarCheck) for s in grad.body)
    graph = next(g for g in stages.graphs if g.fn.name == name)
    fold = graph.straight_line and has_float_path(grad, graph, program.names_by_role())
    if graph.straight_line:
        # the seed and the adjoint copies forwarded, as in the fast grad_f
        grad = forward_copies(grad, typed_gradients(graph))
    body = [s for s in grad.body if not isinstance(s, P.ScalarCheck | P.Comment)]
    body = _without_seed(body)
    *statements, ret = fold_single_uses(body) if fold else body
    assert isinstance(ret, P.Return)
    value = ret.value
    components = value.elts if isinstance(value, ast.Tuple) else [value]
    names = [grad.name] if len(wrt) == 1 else [f"{grad.name}_{param}" for param in wrt]
    params = _declared(grad.params, stages.module.functions.get(name))
    functions = [
        replace(
            grad,
            name=fname,
            params=params,
            body=_sum_spelling((*statements, P.Return(component))),
        )
        for component, fname in zip(components, names, strict=True)
    ]
    header = f"# The gradient of `{name}` that adgen wrote, one function per component, to differentiate again."
    return GradientModel(
        f"{path} (gradient of {name})",
        _model_text(header, program, functions),
        names,
        [p.name for p in grad.params],
        checks_scalar,
    )


def _refuse_containers(stages: Stages, name: str) -> None:
    """A second derivative of a function of a container parameter: not yet (its
    gradient code returns the container, which a model cannot)."""
    fn = next(f for f in stages.functions if f.name == name)
    if fn.containers:
        where = stages.module.functions.get(name)
        raise UnsupportedSyntax(
            f"`{name}` takes a container parameter ({', '.join(fn.containers)}): "
            "its second derivatives are not supported yet",
            stages.module.location(where) if where else Location(fn.path),
            "pass the arrays as separate parameters to differentiate twice",
        )


def tangent_model(
    stages: Stages, name: str, wrt: list[str], path: str
) -> GradientModel:
    """The model ``jvp_<name>_dot(*args, *tangents)``: ``jvp_<name>`` from
    ``program`` (forward mode of ``module``) returning only the derivative along
    the tangents.  Its gradient with respect to the arguments is the Hessian times
    the tangents (reverse-over-forward): the way through loops and branches, whose
    forward-mode code keeps no stacks."""
    program = stages.program
    _refuse_containers(stages, name)
    jvp = _function(program, P.JVP, name)
    assert jvp is not None, f"no jvp_{name} in the forward-mode code"
    count = len(jvp.params) - len(wrt)
    params = _declared(jvp.params[:count], stages.module.functions.get(name))
    by_name = {p.name: p for p in params}
    tangents = tuple(
        replace(t, annotation=by_name[p].annotation)
        for t, p in zip(jvp.params[count:], wrt, strict=True)
    )
    *statements, ret = jvp.body
    assert isinstance(ret, P.Return) and isinstance(ret.value, ast.Tuple)
    function = replace(
        jvp,
        name=f"jvp_{name}_dot",
        params=(*params, *tangents),
        body=(*statements, P.Return(ret.value.elts[1])),
    )
    header = f"# The forward mode of `{name}` that adgen wrote, returning the tangent, to differentiate again."
    return GradientModel(
        f"{path} (forward mode of {name})",
        _model_text(header, program, [function]),
        [function.name],
        [p.name for p in function.params],
        checks_scalar=False,
    )


def _function(program: P.Program, role: str, name: str) -> P.Function | None:
    return next((f for f in program.functions(role) if f.model == name), None)


def _model_text(header: str, program: P.Program, functions: list[P.Function]) -> str:
    model = P.Program((), program.imports, tuple(functions))
    imports = [*imports_for(model), *program.imports]
    body = "\n\n\n".join("\n".join(P.print_function(f)) for f in functions)
    return "\n".join([header, *imports, "", "", body]) + "\n"


def _refuse_stacks(grad: P.Function, name: str, path: str) -> None:
    """A gradient that records values on stacks (a loop, a branch) is not a model
    adgen reads back: second derivatives stop there with a clear message."""
    if any(isinstance(s, P.Push | P.Pop) for s in P.walk(grad.body)):
        raise NotSupportedYet(
            f"`grad` of the gradient of `{name}` is not supported: its gradient "
            "code records values on stacks (a loop or a branch computes what "
            "the backward sweep reads)",
            Location(path),
            hint="use adgen.hessian or adgen.hvp, which go through loops "
            "(reverse mode of the forward-mode code)",
        )


def _declared(
    params: tuple[P.Param, ...], original: ast.FunctionDef | None
) -> tuple[P.Param, ...]:
    """``params`` with the shapes declared for the original function's parameters
    (``x: float``, ``@shapes(W="3 4")``), so that the code read back knows them too."""
    if original is None:
        return params
    declared = {}
    for decorator in original.decorator_list:
        if isinstance(decorator, ast.Call) and _called(decorator) == "shapes":
            declared.update({k.arg: k.value for k in decorator.keywords})
    annotations = [declared.get(a.arg, a.annotation) for a in original.args.args] + [
        None
    ] * len(params)
    return tuple(
        replace(p, annotation=a) for p, a in zip(params, annotations, strict=False)
    )


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _without_seed(body: list[P.Stmt]) -> list[P.Stmt]:
    """``n5_bar = 1.0`` (and ``n3_bar = n5_bar``, which becomes ``n3_bar = 1.0``)
    dropped and 1.0 written where they are read, then ``1.0 * g`` tidied: the code
    read back says ``x1_bar = np.cos(x1)``."""
    for i, stmt in enumerate(body):
        seed = _seed(stmt)
        later = P.walk(tuple(body[i + 1 :]))  # nested statements too
        if seed is not None and not any(seed in P.writes(s) for s in later):
            later = [_with_one(s, seed) for s in body[i + 1 :]]
            return [*body[:i], *_without_seed(later)]
    return body


def _with_one(stmt: P.Stmt, seed: str) -> P.Stmt:
    one = {seed: ast.Constant(1.0)}
    return _rewritten(stmt, lambda e: simplify_expr(substitute(e, one)))


def _seed(stmt: P.Stmt) -> str | None:
    """``name`` if ``stmt`` is ``name = 1.0``."""
    if (
        isinstance(stmt, P.Assign)
        and isinstance(stmt.value, ast.Constant)
        and type(stmt.value.value) is float
        and stmt.value.value == 1.0
    ):
        return stmt.target
    return None


def _rewritten(stmt: P.Stmt, rewrite) -> P.Stmt:
    if isinstance(stmt, P.Assign | P.Accumulate):
        return P.with_value(stmt, rewrite(stmt.value))
    if isinstance(stmt, P.Return):
        return replace(stmt, value=rewrite(stmt.value))
    return stmt


def _sum_spelling(body: tuple[P.Stmt, ...]) -> tuple[P.Stmt, ...]:
    """``np.vdot(a, b)`` (specialize.py's spelling, for equal shapes) read back as
    ``np.sum(a * b)``, which has a rule."""
    return tuple(
        _rewritten(s, lambda e: _SumOfProducts().visit(copy.deepcopy(e))) for s in body
    )


class _SumOfProducts(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if numpy_function(node) == "vdot" and len(node.args) == 2 and not node.keywords:
            product = ast.BinOp(node.args[0], ast.Mult(), node.args[1])
            total = ast.Attribute(ast.Name("np", ast.Load()), "sum", ast.Load())
            return ast.Call(total, [product], [])
        return node
