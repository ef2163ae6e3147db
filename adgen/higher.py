"""Higher order: adgen's own gradient code, read back as a model to differentiate again.

The ``grad_f`` adgen emits is flat Python over numpy and the ``adgen.runtime``
helpers, and every helper is a primitive with a rule (``rules.py``), so the
emitted code is itself a model adgen can compile.  ``gradient_model`` turns it
into one: each component of the gradient becomes a function returning that one
component (the IR has one output), and the run-time scalar check (an ``if ...:
raise``) is left to the caller.  Compiled in forward mode, the gradient model
gives Hessian-vector products (forward-over-reverse); in reverse mode, the
gradient of the gradient.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

from .arguments import plain_function
from .errors import Location, NonScalarOutput, NotSupportedYet
from .expr import numpy_function
from .scalars import without_float_path
from .simplify import simplify


@dataclass(frozen=True)
class GradientModel:
    """The source of a model whose functions are the components of ``f``'s gradient."""

    path: str  # a name for messages and docstrings
    text: str
    functions: list[str]  # one per wrt parameter, in order
    params: list[str]  # the parameters of every function (f's, as emitted)
    checks_scalar: bool  # grad_f checked at run time that f's output is a scalar


def gradient_model(
    code: str, name: str, wrt: list[str], path: str, model_text: str
) -> GradientModel:
    """The model made of ``grad_<name>`` from ``code`` (a module adgen generated with
    ``wrt`` from ``model_text``): ``grad_<name>`` itself for one parameter, else
    ``grad_<name>_<param>``, with the parameter shapes ``model_text`` declares."""
    tree = ast.parse(code)
    grad = _function(tree, f"grad_{name}")
    if grad is None:
        raise NonScalarOutput(
            f"`{name}` returns an array, not a scalar: its gradient has no second derivative here"
        )
    imports = [
        s
        for s in tree.body
        if isinstance(s, ast.Import)
        or (isinstance(s, ast.ImportFrom) and "warn_if_stale" not in _imported(s))
    ]
    _refuse_stacks(grad, name, path)
    grad = _NumpySpelling().visit(without_float_path(plain_function(grad)))
    _declare_shapes(grad, _function(ast.parse(model_text), name))
    body = _without_seed(
        [s for s in grad.body if not _is_guard(s) and not isinstance(s, ast.Delete)]
    )  # the `del`s free memory early; the model read back needs none
    *statements, ret = body
    assert isinstance(ret, ast.Return) and ret.value is not None
    components = ret.value.elts if isinstance(ret.value, ast.Tuple) else [ret.value]
    names = [grad.name] if len(wrt) == 1 else [f"{grad.name}_{param}" for param in wrt]
    functions = [
        _component(grad, statements, component, fname)
        for component, fname in zip(components, names, strict=True)
    ]
    header = f"# The gradient of `{name}` that adgen wrote, one function per component, to differentiate again.\n"
    text = header + ast.unparse(ast.Module([*imports, *functions], [])) + "\n"
    return GradientModel(
        f"{path} (gradient of {name})",
        text,
        names,
        [a.arg for a in grad.args.args],
        checks_scalar=any(_is_guard(s) for s in grad.body),
    )


class _NumpySpelling(ast.NodeTransformer):
    """``scalar_math.cos(x)`` (grad_f's fast spelling on scalars) read back as
    ``np.cos(x)``, and ``np.vdot(a, b)`` (specialize.py's, for equal shapes) as
    ``np.sum(a * b)``, which have rules."""

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if numpy_function(node) == "vdot" and len(node.args) == 2 and not node.keywords:
            product = ast.BinOp(node.args[0], ast.Mult(), node.args[1])
            total = ast.Attribute(ast.Name("np", ast.Load()), "sum", ast.Load())
            return ast.copy_location(ast.Call(total, [product], []), node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        if isinstance(node.value, ast.Name) and node.value.id == "scalar_math":
            return ast.copy_location(
                ast.Attribute(ast.Name("np", ast.Load()), node.attr, ast.Load()), node
            )
        return self.generic_visit(node)


def _refuse_stacks(grad: ast.FunctionDef, name: str, path: str) -> None:
    """A gradient that records values on stacks (a loop, a branch) is not a model
    adgen reads back: second derivatives stop there with a clear message."""
    for node in ast.walk(grad):
        if isinstance(node, ast.Attribute) and node.attr in ("append", "pop"):
            raise NotSupportedYet(
                f"`grad` of the gradient of `{name}` is not supported: its gradient "
                "code records values on stacks (a loop or a branch computes what "
                "the backward sweep reads)",
                Location(path),
                hint="use adgen.hessian or adgen.hvp, which go through loops "
                "(reverse mode of the forward-mode code)",
            )


def _component(
    grad: ast.FunctionDef, statements: list[ast.stmt], value: ast.expr, fname: str
) -> ast.FunctionDef:
    function = copy.deepcopy(grad)
    function.name = fname
    function.body = [*copy.deepcopy(statements), ast.Return(copy.deepcopy(value))]
    return ast.fix_missing_locations(function)


def _function(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    return next(
        (s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == name),
        None,
    )


def _declare_shapes(grad: ast.FunctionDef, original: ast.FunctionDef | None) -> None:
    """Give ``grad``'s parameters the shapes declared for the original function's
    (``x: float``, ``@shapes(W="3 4")``), so that the code read back knows them too."""
    if original is None:
        return
    declared = {}
    for decorator in original.decorator_list:
        if isinstance(decorator, ast.Call) and _called(decorator) == "shapes":
            declared.update({k.arg: k.value for k in decorator.keywords})
    for arg, source in zip(grad.args.args, original.args.args, strict=False):
        arg.annotation = declared.get(source.arg, source.annotation)


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _without_seed(body: list[ast.stmt]) -> list[ast.stmt]:
    """``n5_bar = 1.0`` (and ``n3_bar = n5_bar``, which becomes ``n3_bar = 1.0``)
    dropped and 1.0 written where they are read, then ``1.0 * g`` tidied: the code
    read back says ``x1_bar = np.cos(x1)``."""
    for i, statement in enumerate(body):
        seed = _one_assigned(statement)
        if seed is not None and not any(seed in _assigned(s) for s in body[i + 1 :]):
            later = [
                simplify(_Substitute(seed).visit(copy.deepcopy(s)))
                for s in body[i + 1 :]
            ]
            return [*body[:i], *_without_seed(later)]
    return body


def _one_assigned(statement: ast.stmt) -> str | None:
    """``name`` if ``statement`` is ``name = 1.0``."""
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Constant)
        and statement.value.value == 1.0
        and type(statement.value.value) is float
    ):
        return statement.targets[0].id
    return None


def _assigned(statement: ast.stmt) -> set[str]:
    return {t.id for t in getattr(statement, "targets", []) if isinstance(t, ast.Name)}


class _Substitute(ast.NodeTransformer):
    def __init__(self, seed: str):
        self.seed = seed

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return ast.Constant(1.0) if node.id == self.seed else node


def _is_guard(statement: ast.stmt) -> bool:
    """``if np.ndim(out) != 0: raise ValueError(...)``: grad_f's run-time scalar check."""
    return isinstance(statement, ast.If) and all(
        isinstance(s, ast.Raise) for s in statement.body
    )


def _imported(statement: ast.ImportFrom) -> set[str]:
    return {alias.name for alias in statement.names}


def tangent_model(
    code: str, name: str, wrt: list[str], path: str, model_text: str
) -> GradientModel:
    """The model ``jvp_<name>_dot(*args, *tangents)``: ``jvp_<name>`` from ``code`` (a
    module adgen generated in forward mode) returning only the derivative along the
    tangents.  Its gradient with respect to the arguments is the Hessian times the
    tangents (reverse-over-forward): the way through loops and branches, whose
    forward-mode code keeps no stacks."""
    tree = ast.parse(code)
    jvp = _function(tree, f"jvp_{name}")
    assert jvp is not None, f"no jvp_{name} in the forward-mode code"
    jvp = plain_function(jvp)
    imports = [
        s
        for s in tree.body
        if isinstance(s, ast.Import)
        or (isinstance(s, ast.ImportFrom) and "warn_if_stale" not in _imported(s))
    ]
    original = _function(ast.parse(model_text), name)
    _declare_shapes(jvp, original)
    tangents = jvp.args.args[len(jvp.args.args) - len(wrt) :]
    params = jvp.args.args[: len(jvp.args.args) - len(wrt)]
    by_name = {a.arg: a for a in params}
    for tangent, param in zip(tangents, wrt, strict=True):
        tangent.annotation = copy.deepcopy(by_name[param].annotation)
    function = copy.deepcopy(jvp)
    function.name = f"jvp_{name}_dot"
    ret = function.body[-1]
    assert isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple)
    function.body[-1] = ast.Return(ret.value.elts[1])
    function.decorator_list = []
    header = f"# The forward mode of `{name}` that adgen wrote, returning the tangent, to differentiate again.\n"
    text = header + ast.unparse(ast.Module([*imports, function], [])) + "\n"
    return GradientModel(
        f"{path} (forward mode of {name})",
        text,
        [function.name],
        [a.arg for a in function.args.args],
        checks_scalar=False,
    )
