"""The lowerer: one function's body, and the helpers it calls, to equations.

``Lowerer`` puts the jobs of the package together (each a class of methods in
its own module) and holds what lowering one function accumulates: the names
given out, the statement being lowered, where each user name was bound, and
which values are numbers.  ``emit`` appends each equation.
"""

from __future__ import annotations

import ast
from typing import Any

from ..containers import Leaf, declared_leaves, is_declaration
from ..errors import AdgenError, UnresolvedName, UnsupportedSyntax
from ..ir import Atom, Const, Eqn, Function, Origin
from ..naming import Namer, identifiers
from ..parse import Module, reachable_helpers
from ..primitives import PRIMITIVES
from ..shapes import declared_shape, is_python_number
from ..structures import as_value, leaves, plain_structure, rebuilt
from .aliases import Aliases
from .calls import Calls
from .comprehensions import Comprehensions
from .conditions import Conditions
from .effects import Effects
from .expressions import Expressions
from .joins import Joins
from .loops import Loops
from .numbers import NUMBER_ARITHMETIC, fold
from .scope import Block, Scope
from .sequences import Sequences
from .signature import (
    declared_has_aux,
    declared_shapes,
    keys_read,
    parameter_defaults,
    resolve_wrt,
)
from .statements import Statements
from .statics import Statics


def normalize(
    module: Module,
    fn: ast.FunctionDef,
    wrt: list[str] | None = None,
    has_aux: bool = False,
    inputs: tuple[str, ...] = (),
) -> Function:
    """Turn the checked function ``fn`` into a flat list of equations; with
    ``has_aux`` (or ``@adgen.has_aux``) it returns ``(output, aux)``.  ``inputs``:
    module-level variables read as extra parameters after ``fn``'s own, named as
    the variables, never differentiated (module_inputs.py makes them
    keyword-only in the emitted code)."""
    lowerer = Lowerer(module, fn)
    return lowerer.run(wrt, has_aux or declared_has_aux(module, fn), inputs)


class Lowerer(
    Statements,
    Joins,
    Loops,
    Aliases,
    Calls,
    Comprehensions,
    Sequences,
    Conditions,
    Effects,
    Expressions,
    Statics,
):
    def __init__(self, module: Module, fn: ast.FunctionDef):
        self.module = module
        self.fn = fn
        helpers = reachable_helpers(module, fn)
        self.names = Namer(identifiers(fn, *helpers))
        self.block = Block([], {})  # the block being written
        self.loop_count = 0
        self.origin: Origin | None = None  # the statement being lowered
        self.bound_at: dict[str, Origin] = (
            {}
        )  # user name -> the statement that bound it last
        self.producers: dict[str, str] = (
            {}
        )  # variable -> the primitive that computed it
        # variables known to hold numbers (Python's, or numpy scalars): immutable,
        # so `x += y` cannot change another name for the same value
        self.numbers: set[str] = set()
        self.next_index = len(fn.args.args) + len(fn.args.posonlyargs) + 1
        self.inputs: dict[str, str] = {}  # module variable -> the parameter it is
        self.declared: dict[str, Any] = {}  # parameter -> its declared shape

    def run(
        self, wrt: list[str] | None, has_aux: bool = False, inputs: tuple[str, ...] = ()
    ) -> Function:
        params, numbers, shapes, containers, own = self.parameters()
        self.declared = shapes
        self.next_index = len(params) + 1
        self.numbers.update(numbers)
        self.param_shapes = shapes  # declared, or the API's: sequences.py reads them
        for name in inputs:  # read by expr_Name wherever the module variable is
            self.inputs[name] = self.input_parameter(name)
            params.append(name)
            shapes[name] = None
        output, aux = self.split_aux(self.body(self.fn.body, Scope()), has_aux)
        return Function(
            name=self.fn.name,
            params=params,
            eqns=self.block.eqns,
            output=output,
            wrt=resolve_wrt(self.module, self.fn, wrt, own),
            shapes=shapes,
            path=self.module.source.path,
            numbers=numbers,
            defaults={
                self.block.env[k]: v
                for k, v in parameter_defaults(self.module, self.fn).items()
                if isinstance(self.block.env[k], str)  # not a container's
            },
            has_aux=has_aux,
            aux=aux,
            containers=containers,
            inputs=inputs,
        )

    def input_parameter(self, name: str) -> str:
        """The parameter standing for the module variable ``name``: named as it,
        since callers pass it by that keyword."""
        param = self.names.param(name)
        if param != name:
            raise UnresolvedName(
                f"`{name}` is a module-level variable `{self.fn.name}` reads (or a "
                f"helper it calls): the generated functions take it as the keyword "
                f"parameter `{name}`, but that name is taken there (by a parameter of "
                f"`{self.fn.name}`, a builtin, or a name the generated code uses)",
                self.module.location(self.fn),
                hint=f"rename the module variable `{name}` (or the parameter)",
            )
        return param

    def parameters(
        self,
    ) -> tuple[list[str], list[str], dict[str, Any], dict[str, Any], list[list[str]]]:
        """fn's parameters as the emitted code takes them (a container's leaves one
        by one), the Python numbers among them, their declared shapes, each
        container's structure of leaves, and the leaves of each of fn's own."""
        params: list[str] = []
        numbers: list[str] = []
        shapes: dict[str, Any] = {}
        containers: dict[str, Any] = {}
        own: list[list[str]] = []  # the leaf parameters of each of fn's own
        declared = declared_shapes(self.module, self.fn)
        for arg in [*self.fn.args.posonlyargs, *self.fn.args.args]:
            annotation = declared.get(arg.arg, arg.annotation)
            if annotation is None:  # undeclared: a dict if only read by key
                annotation = keys_read(self.fn, arg.arg)
            name = self.names.param(arg.arg)
            if is_declaration(annotation):  # params["W"] reads the leaf params_W
                layout = declared_leaves(annotation, name, self.names.param)  # type: ignore[arg-type]
                containers[name] = rebuilt(layout, lambda leaf: leaf.name)
                self.block.env[arg.arg] = as_value(containers[name])
                found = leaves(layout)
            else:
                self.block.env[arg.arg] = name
                found = [Leaf(name, annotation)]
            for leaf in found:
                params.append(leaf.name)
                shapes[leaf.name] = declared_shape(leaf.declaration, leaf.name)
                if is_python_number(leaf.declaration):
                    numbers.append(leaf.name)
            own.append([leaf.name for leaf in found])
        return params, numbers, shapes, containers, own

    def declared_rows(self, value: Any) -> int | None:
        """The length of a parameter declared (or specialized) with a number of rows."""
        shape = self.declared.get(value) if isinstance(value, str) else None
        if isinstance(shape, tuple) and shape and isinstance(shape[0], int):
            return shape[0]
        return None

    def split_aux(self, returned: Any, has_aux: bool) -> tuple[Atom, Any]:
        """The output to differentiate, and with ``has_aux`` the aux passed through."""
        if has_aux:
            if not (isinstance(returned, tuple) and len(returned) == 2):
                self.fail(
                    self._return_statement(),
                    f"`{self.fn.name}` has has_aux but does not return a pair (loss, aux)",
                    "return the value to differentiate and the auxiliary data: `return loss, aux`",
                )
            returned, aux = returned[0], plain_structure(returned[1])
        else:
            aux = None
        if isinstance(returned, tuple):
            self.fail(
                self._return_statement(),
                "returning several values is not supported",
                "return one scalar or array (e.g. a loss), or np.stack/np.concatenate "
                "them; to return more beside the value to differentiate, `return loss, "
                "aux` with has_aux=True (@adgen.has_aux)",
            )
        return returned, aux

    def _return_statement(self) -> ast.AST:
        """The last ``return`` of the function (not of a helper): where to point."""
        found = [n for n in ast.walk(self.fn) if isinstance(n, ast.Return)]
        return found[-1].value or found[-1] if found else self.fn

    def emit(
        self,
        prim: str,
        args: tuple[Atom, ...],
        params: dict[str, Any],
        name: str | None,
    ) -> Atom:
        """Append the node ``prim(*args)``, or fold it when every operand is a constant."""
        folded = fold(prim, args)
        if folded is not None:
            return folded
        index = self.next_index
        self.next_index += 1
        out = self.names.user(name) if name else self.names.temp(index)
        params = {
            **PRIMITIVES[prim].statics,
            **params,
        }  # every static, defaults included
        self.block.eqns.append(Eqn(out, prim, args, tuple(params.items()), self.origin))
        self.producers[out] = prim
        if params.get("lib") == "math" or (
            prim in NUMBER_ARITHMETIC and all(self.is_number(a) for a in args)
        ):
            self.numbers.add(out)
        return out

    def is_number(self, atom: Atom) -> bool:
        if isinstance(atom, Const):  # not a list constant: float64 + list is an array
            return isinstance(atom.value, (int, float))
        return atom in self.numbers

    def fail_at(self, origin: Origin | None, message: str, hint: str) -> Any:
        node = ast.Pass(
            lineno=origin.line if origin else self.fn.lineno,
            col_offset=origin.col if origin else 0,
        )
        self.fail(node, message, hint)

    def fail(
        self,
        node: ast.AST,
        message: str,
        hint: str,
        cls: type[AdgenError] = UnsupportedSyntax,
    ) -> Any:
        raise cls(message, self.module.location(node), hint)
