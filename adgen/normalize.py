"""Stage 3, normalize: one primitive operation per assignment (A-normal form).

The output grammar, asserted by ``assert_normal_form``::

    function := def NAME(PARAM, ...): EQN* return ATOM
    EQN      := NAME = PRIM(ATOM, ..., STATIC=VALUE, ...)     # one graph node
    ATOM     := NAME | CONSTANT
    STATIC   := Python literal | expression over inactive names (an index, a shape)

What the pass does on the way:

* nested expressions are split into nodes, named ``n<k>`` (see ``naming.py``);
  the outermost node of ``h = ...`` takes the user's name ``h``;
* re-assignment makes a new version (``h_2``): every name is assigned once;
* ``x += y`` becomes ``x_2 = x + y``; ``a, b = b, a`` binds both right sides first;
* ``y = x`` and ``y = 2.0`` make no node: later uses of ``y`` read ``x`` or
  ``2.0`` (no copy statements);
* calls to helpers defined in the same file are inlined, their locals renamed;
* functions and constants are resolved statically through the file's imports.
"""

from __future__ import annotations

import ast
import copy
import difflib
import importlib
import operator
from typing import Any

import numpy as np

from .bindings import module_variable_hint, module_variable_message
from .custom import call_operands, rule_for
from .errors import (
    AdgenError,
    BadWrt,
    MutationNotSupported,
    UnknownFunction,
    UnresolvedName,
    UnsupportedSyntax,
)
from .exits import structure_exits, walk_statements
from .expr import to_ast
from .ir import Atom, Break, Const, Eqn, Function, If, Loop, Origin, Stmt, rename
from .naming import Namer, identifiers
from .parse import Module, adgen_decorators, reachable_helpers
from .primitives import (
    ATTRIBUTES,
    CONSTANTS,
    FUNCTIONS,
    MATH_SPELLING,
    METHODS,
    PRIMITIVES,
)
from .shapes import declared_shape, is_python_number

Value = Atom | tuple  # a tuple only for tuple expressions and helpers returning them

BINARY_OPS = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.Pow: "pow",
    ast.MatMult: "matmul",
    ast.Mod: "mod",
    ast.FloorDiv: "floordiv",
}
OPPOSITE_COMPARISONS = {
    ast.Gt: ast.LtE,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.LtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
COMPARISONS = {
    ast.Gt: "gt",
    ast.Lt: "lt",
    ast.GtE: "ge",
    ast.LtE: "le",
    ast.Eq: "eq",
    ast.NotEq: "ne",
}
BUILTINS = {"abs", "max", "min", "len"}
RETURN = "<return>"  # the environment's key for the value a path returns


def normalize(
    module: Module, fn: ast.FunctionDef, wrt: list[str] | None = None
) -> Function:
    """Turn the checked function ``fn`` into a flat list of equations."""
    return _Normalizer(module, fn).run(wrt)


class _Normalizer:
    def __init__(self, module: Module, fn: ast.FunctionDef):
        self.module = module
        self.fn = fn
        helpers = reachable_helpers(module, fn)
        self.names = Namer(identifiers(fn, *helpers))
        self.eqns: list[Stmt] = []  # the block being written
        self.env: dict[str, Atom] = {}
        self.loops: list[_LoopContext] = []  # the loops around the current statement
        self.loop_count = 0
        self.exited = False  # the current path has left its loop (break)
        self.return_name: str | None = None  # what an inlined helper's result is called
        self.bound_at: dict[str, Origin] = (
            {}
        )  # user name -> the statement that bound it last
        self.out_of_scope: dict[str, str] = {}  # user name -> why it has no value here
        self.origin: Origin | None = None
        self.producers: dict[str, str] = (
            {}
        )  # variable -> the primitive that computed it
        self.helper_params: dict[str, Value] = (
            {}
        )  # the inlined helper's parameters, as bound by the call
        # variables known to hold numbers (Python's, or numpy scalars): immutable,
        # so `x += y` cannot change another name for the same value
        self.numbers: set[str] = set()
        self.next_index = len(fn.args.args) + len(fn.args.posonlyargs) + 1

    # --- driver -------------------------------------------------------------
    def run(self, wrt: list[str] | None) -> Function:
        params, numbers = [], []
        shapes = {}
        declared = self.declared_shapes()
        for arg in [*self.fn.args.posonlyargs, *self.fn.args.args]:
            name = self.names.param(arg.arg)
            self.env[arg.arg] = name
            params.append(name)
            annotation = declared.get(arg.arg, arg.annotation)
            shapes[name] = declared_shape(annotation, name)
            if is_python_number(annotation):
                numbers.append(name)
        self.numbers.update(numbers)
        output = self.body(self.fn.body)
        if isinstance(output, tuple):
            self.fail(
                self.fn,
                "returning several values is not supported",
                "return one scalar or array",
            )
        return Function(
            name=self.fn.name,
            params=params,
            eqns=self.eqns,
            output=output,
            wrt=self.resolve_wrt(wrt, params),
            shapes=shapes,
            path=self.module.source.path,
            numbers=numbers,
        )

    def resolve_wrt(self, wrt: list[str] | None, params: list[str]) -> list[str]:
        """``wrt`` names (from the caller, else ``@adgen.wrt``, else all) -> emitted param names."""
        originals = [a.arg for a in [*self.fn.args.posonlyargs, *self.fn.args.args]]
        where, how = (
            self.fn,
            f"--wrt (to give it for one function, select it: PATH:{self.fn.name})",
        )
        if wrt is None:
            wrt = self.declared_wrt()
            where, how = (
                adgen_decorators(self.module, self.fn).get("adgen.wrt"),
                "@wrt(...)",
            )
        if wrt is None:
            return list(params)
        for name in wrt:
            if name not in originals:
                raise BadWrt(
                    f"`{self.fn.name}` has no parameter named {name!r} (parameters: {', '.join(originals)})",
                    self.module.location(where),
                    hint=f"name parameters of `{self.fn.name}` in {how}",
                )
        if len(set(wrt)) != len(wrt):
            raise BadWrt(
                f"a parameter is named twice in wrt ({', '.join(wrt)})",
                self.module.location(where),
            )
        return [
            params[originals.index(n)] for n in wrt
        ]  # in the order asked, as autograd and JAX do

    def declared_wrt(self) -> list[str] | None:
        """The names in ``@adgen.wrt("w1", "b1")``, if the function has it."""
        deco = adgen_decorators(self.module, self.fn).get("adgen.wrt")
        if deco is None:
            return None
        names = [
            a.value
            for a in deco.args
            if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if len(names) != len(deco.args) or deco.keywords:
            self.fail(
                deco,
                "@adgen.wrt takes parameter names as string literals",
                'write @wrt("w1", "b1")',
            )
        return names

    def declared_shapes(self) -> dict[str, ast.expr]:
        """``@adgen.shapes(X="n 784", w="784")``: parameter -> its shape string."""
        deco = adgen_decorators(self.module, self.fn).get("adgen.shapes")
        if deco is None:
            return {}
        originals = [a.arg for a in [*self.fn.args.posonlyargs, *self.fn.args.args]]
        for k in deco.keywords:
            if k.arg not in originals or not (
                isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
            ):
                self.fail(
                    k.value,
                    f"@adgen.shapes: `{k.arg}` must be a parameter given a string of dimensions",
                    'write @shapes(X="batch 784", b="256")',
                )
        if deco.args:
            self.fail(
                deco,
                "@adgen.shapes takes keyword arguments only",
                'write @shapes(X="batch 784", b="256")',
            )
        return {k.arg: k.value for k in deco.keywords}

    def body(self, statements: list[ast.stmt], helper: str | None = None) -> Value:
        """Normalize a checked body; return the atom its ``return`` statements yield."""
        fresh = {k: self.unused_identifier(k) for k in ("result", "returned")}
        for stmt in structure_exits(statements, fresh):
            self.statement(stmt, helper)
        return self.env[RETURN]

    def unused_identifier(self, base: str) -> str:
        """An identifier the user's code does not use (for the flags early returns need)."""
        while base in self.names.taken or base in self.env:
            base += "_"
        return base

    # --- statements ---------------------------------------------------------
    def statement(self, stmt: ast.stmt, helper: str | None = None) -> None:
        self.origin = self.origin_of(stmt, helper)
        if isinstance(stmt, (ast.Expr, ast.Pass, ast.Continue)):
            return  # a docstring; `continue` ends its path already (see exits.py)
        structured = {
            ast.Return: self.stmt_return,
            ast.If: self.stmt_if,
            ast.For: self.stmt_for,
            ast.While: self.stmt_while,
            ast.Break: self.stmt_break,
        }.get(type(stmt))
        if structured is not None:
            structured(stmt, helper)
            return
        if isinstance(stmt, ast.AugAssign):
            self.refuse_shared_update(stmt)
            value = self.binary(
                BINARY_OPS[type(stmt.op)],
                stmt.target,
                stmt.value,
                _target_name(stmt.target),
            )
            self.bind(stmt.target, value)
            return
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        hint = _target_name(targets[0]) if len(targets) == 1 else None
        if (
            len(targets) == 1
            and isinstance(targets[0], ast.Tuple)
            and isinstance(stmt.value, ast.Tuple)
        ):
            value: Value = tuple(
                self.expr(v, _target_name(t))
                for t, v in _pairs(self, targets[0], stmt.value)
            )
        else:
            value = self.expr(stmt.value, hint)
        for target in targets:
            self.bind(target, value)

    # --- control flow -------------------------------------------------------
    def stmt_return(self, stmt: ast.Return, helper: str | None) -> None:
        value = self.expr(stmt.value, self.return_name)  # type: ignore[arg-type]
        self.env[RETURN] = value
        self.bound_at[RETURN] = self.origin

    def stmt_break(self, stmt: ast.Break, helper: str | None) -> None:
        loop = self.loops[-1]
        self.carry(loop, self.env)
        loop.has_break = True
        self.eqns.append(Break(self.origin))
        self.exited = True

    def stmt_if(self, stmt: ast.If, helper: str | None) -> None:
        origin = self.header_origin(stmt, helper)
        self.origin = origin
        cond = self.atom(stmt.test)
        then = self.block(stmt.body, helper)
        orelse = self.block(stmt.orelse, helper)
        self.join(cond, then, orelse, origin)

    def expr_IfExp(self, node: ast.IfExp, name: str | None) -> Value:
        """``a if c else b``: an ``If`` whose branches compute one value each."""
        origin = self.origin
        cond = self.atom(node.test)
        key = f"<{name or 'value'} if>"
        then = self.block_of(
            lambda: self.set_env(key, lambda: self.expr(node.body, name))
        )
        orelse = self.block_of(
            lambda: self.set_env(key, lambda: self.expr(node.orelse))
        )
        self.bound_at[key] = origin
        self.join(cond, then, orelse, origin)
        value = self.env.pop(key)
        return value

    def set_env(self, key: str, compute: Any) -> None:
        """``self.env[key] = compute()``, the environment read *after* computing:
        a conditional expression inside ``compute`` replaces ``self.env`` (its join)."""
        value = compute()
        self.env[key] = value

    def block(self, stmts: list[ast.stmt], helper: str | None) -> _Branch:
        def run() -> None:
            for stmt in stmts:
                self.statement(stmt, helper)

        return self.block_of(run)

    def block_of(self, run: Any) -> _Branch:
        """Run ``run`` into a new block with its own copy of the environment."""
        saved = self.eqns, self.env, self.exited
        self.eqns, self.env, self.exited = [], dict(self.env), False
        run()
        branch = _Branch(self.eqns, self.env, self.exited)
        self.eqns, self.env, self.exited = saved
        return branch

    def join(self, cond: Atom, then: _Branch, orelse: _Branch, origin: Origin) -> None:
        """Append the ``If``; names the two branches bind differently get one merge name."""
        if then.exited or orelse.exited:  # only the other path reaches the end
            arriving = [b for b in (then, orelse) if not b.exited]
            self.env = arriving[0].env if arriving else self.env
            self.exited = not arriving
            self.eqns.append(If(cond, then.block, orelse.block, [], origin))
            return
        merged = []
        env = {}
        for key in dict.fromkeys([*then.env, *orelse.env]):
            a, b = then.env.get(key), orelse.env.get(key)
            if a is None or b is None:
                self.out_of_scope[key] = (
                    f"is assigned in only one branch of the `{origin.text}` at line {origin.line}"
                )
                continue
            if a == b:
                env[key] = a
                continue
            if isinstance(a, tuple) or isinstance(b, tuple):
                self.out_of_scope[key] = (
                    f"holds a tuple that differs between the branches of the `{origin.text}` at line {origin.line}"
                )
                continue
            target = self.merge_name(key, a, b, then, orelse, merged)
            for branch, value in ((then, a), (orelse, b)):
                self.assign_at_end(branch, target, value, key)
            merged.append(target)
            env[key] = target
        self.env = env
        statement = If(cond, then.block, orelse.block, merged, origin)
        if may_break(statement):  # each path records its own merged values
            statement.merged = []
        self.eqns.append(statement)

    def merge_name(
        self,
        key: str,
        a: Atom,
        b: Atom,
        then: _Branch,
        orelse: _Branch,
        taken: list[str],
    ) -> str:
        """The branch's own name for the value when it can be shared (``y`` in both), else new."""
        for value, branch in ((a, then), (b, orelse)):
            if self.renamable(value, branch, taken):
                return value  # type: ignore[return-value]
        return self.names.user("out" if key.startswith("<") else key)

    def renamable(self, value: Atom, branch: _Branch, taken: list[str]) -> bool:
        """Is ``value`` computed by an equation of the branch itself (not before it)?"""
        return (
            isinstance(value, str)
            and value not in taken
            and any(isinstance(s, Eqn) and s.out == value for s in branch.block)
        )

    def assign_at_end(
        self, branch: _Branch, target: str, value: Atom, key: str
    ) -> None:
        if value == target:
            return
        if self.renamable(value, branch, []) and not _read_after(branch, value):
            mapping = {value: target}  # type: ignore[dict-item]
            branch.block[:] = rename(branch.block, mapping)
            branch.env = {
                k: mapping.get(v, v) if isinstance(v, str) else v
                for k, v in branch.env.items()
            }
            self.producers[target] = self.producers.get(value, "")  # type: ignore[arg-type]
            return
        _append_on_arriving_path(
            branch.block, Eqn(target, "copy", (value,), (), self.bound_at.get(key))
        )

    def stmt_for(self, stmt: ast.For, helper: str | None) -> None:
        origin = self.header_origin(stmt, helper)
        self.origin = origin
        target = stmt.target.id  # type: ignore[attr-defined]
        it = stmt.iter
        is_range = (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id == "range"
            and "range" not in self.env
            and "range" not in self.module.functions
        )
        if is_range:
            if not 1 <= len(it.args) <= 3 or it.keywords:  # type: ignore[attr-defined]
                self.fail(
                    it,
                    "range() takes one to three integers here",
                    "write range(n), range(a, b) or range(a, b, step)",
                )
            bounds = tuple(self.atom(a) for a in it.args)  # type: ignore[attr-defined]
            index = self.names.user(target)
            self.numbers.add(index)  # an int
            prelude = lambda: self.env.__setitem__(target, index)  # noqa: E731
        else:  # the first axis of an array: for row in X
            array = self.atom(it)
            bounds = (self.emit("len", (array,), {}, None),)
            index = self.names.user(f"{target}_index")

            def prelude() -> None:
                self.origin = origin
                index_ast = ast.Name(index, ast.Load())
                self.env[target] = self.emit(
                    "getitem", (array,), {"index": index_ast}, target
                )

        self.loop(stmt, helper, origin, prelude, index=index, bounds=bounds)
        self.out_of_scope[target] = (
            f"is the variable of the loop at line {origin.line}; adgen gives it no value after the loop"
        )
        self.env.pop(target, None)

    def stmt_while(self, stmt: ast.While, helper: str | None) -> None:
        origin = self.header_origin(stmt, helper)
        self.loop(stmt, helper, origin, lambda: None, test=stmt.test)

    def loop(
        self,
        stmt: ast.For | ast.While,
        helper: str | None,
        origin: Origin,
        prelude: Any,
        index: str | None = None,
        bounds: tuple[Atom, ...] = (),
        test: ast.expr | None = None,
    ) -> None:
        """Carry every variable the body reassigns through a name of its own, then
        normalize the body; the carried names are copied at the end of every path."""
        self.loop_count += 1
        label = f"loop{self.loop_count}"
        self.origin = origin
        numbers = self.numbers_in_loop(stmt)
        self.refuse_updates_in_loop(stmt, numbers)
        carried = {}
        for key in _assigned_names(stmt.body):
            if key in self.env and key != _loop_variable(stmt):
                value = self.env[key]
                if isinstance(value, tuple):
                    self.fail(
                        stmt,
                        f"`{key}` holds a tuple and is reassigned in the loop",
                        "keep tuples out of loops: use separate names",
                    )
                carried[key] = self.names.user(key)
                self.eqns.append(Eqn(carried[key], "copy", (value,), (), origin))
                self.env[key] = carried[key]
                if key in numbers:
                    self.numbers.add(carried[key])
        context = _LoopContext(carried)
        cond = None
        test_block: list[Stmt] = []
        if test is not None:
            tested = self.block_of(
                lambda: self.set_env("<test>", lambda: self.atom(test))
            )
            test_block, cond = tested.block, tested.env["<test>"]
        self.loops.append(context)

        def run() -> None:
            prelude()
            for s in stmt.body:
                self.statement(s, helper)

        body = self.block_of(run)
        if not body.exited:
            self.carry(context, body.env, body.block)
        self.loops.pop()
        for key in _assigned_names(stmt.body):
            if key not in carried and key not in self.env:
                self.out_of_scope[key] = (
                    f"is assigned only inside the loop at line {origin.line}"
                )
        self.eqns.append(
            Loop(
                label,
                body.block,
                list(carried.values()),
                index,
                bounds,
                test_block,
                cond,
                context.has_break,
                origin,
            )
        )

    def carry(
        self, loop: _LoopContext, env: dict, block: list[Stmt] | None = None
    ) -> None:
        """Copy each carried variable's current value into its carried name.

        The copies happen at once, as in ``x, y = y, x``: a carried name that an
        earlier copy overwrites is read through a temporary saved before them."""
        block = self.eqns if block is None else block
        copies = []
        for key, name in loop.carried.items():
            value = env[key]
            if isinstance(value, tuple):
                self.fail_at(
                    self.bound_at.get(key),
                    f"`{key}` becomes a tuple inside the loop",
                    "keep tuples out of loops: use separate names",
                )
            if value != name:
                copies.append((key, name, value))
        overwritten: set[Atom] = set()
        saved: dict[Atom, str] = {}
        for key, name, value in copies:
            if value in overwritten and value not in saved:
                saved[value] = self.names.user(key)
                origin = self.bound_at.get(key, self.origin)
                _append_on_arriving_path(
                    block, Eqn(saved[value], "copy", (value,), (), origin)
                )
            overwritten.add(name)
        for key, name, value in copies:
            copy_ = Eqn(
                name,
                "copy",
                (saved.get(value, value),),
                (),
                self.bound_at.get(key, self.origin),
            )
            _append_on_arriving_path(block, copy_)

    def header_origin(self, stmt: ast.stmt, helper: str | None) -> Origin:
        """``for i in range(n):``: the first line of a compound statement, for comments."""
        prefix = f"in {helper}: " if helper else ""
        text = self.module.source.line(stmt.lineno)[stmt.col_offset :].strip()
        return Origin(stmt.lineno, stmt.col_offset, prefix + text)

    def refuse_updates_in_loop(
        self, loop: ast.For | ast.While, numbers: set[str]
    ) -> None:
        """``x += y`` in a loop: refused wherever numpy might share ``x``'s array with
        another name at some trip, as ``refuse_shared_update`` does in straight-line
        code: an alias or a view made before the loop, one the body makes (it lives on
        into the next trip), or the array the loop iterates over.  A name that holds
        a number throughout the loop (``numbers``) is no array: its updates are safe."""
        updates = [
            n
            for n in walk_statements(loop.body)
            if isinstance(n, ast.AugAssign)
            and isinstance(n.target, ast.Name)
            and n.target.id not in numbers
        ]
        if not updates:
            return
        iterated = (
            loop.iter.id
            if isinstance(loop, ast.For) and isinstance(loop.iter, ast.Name)
            else None
        )
        sharers = _names_sharing_arrays(loop.body)
        for update in updates:
            name, op = update.target.id, _op_symbol(update)  # type: ignore[attr-defined]
            hint = f"write `{name} = {name} {op} ...` to make a new array"
            if name == iterated:
                self.fail(
                    update,
                    f"`{name} {op}= ...` would change `{name}`, the array this loop goes through",
                    hint,
                    MutationNotSupported,
                )
            if name in sharers:
                other, line = sharers[name]
                self.fail(
                    update,
                    f"`{name} {op}= ...` in a loop would also change `{other}`, which line {line} makes the same array (or a view of it)",
                    hint,
                    MutationNotSupported,
                )
            self.refuse_shared_update(update)  # names sharing it before the loop

    def refuse_shared_update(self, stmt: ast.AugAssign) -> None:
        """``x += y`` updates an array in place: numpy changes every other name for
        that array too. adgen makes ``x`` a new value (it never mutates), so it refuses
        wherever the two would differ: another name for the same array, a view
        (``b = a[:2]``, ``a.T``, ``a.reshape``), or a helper's parameter (the caller's array).
        """
        name = stmt.target.id  # the check stage allows only names here
        current = self.env.get(name)
        if current is None or self.is_number(current):
            return  # a number: `x += y` makes a new one, as adgen does
        op = _op_symbol(stmt)
        shared = sorted(
            k
            for k, v in self.env.items()
            if k != name and v == current and isinstance(v, str)
        )
        if shared:
            reason = f"would also change `{shared[0]}`, the same array"
        elif isinstance(current, str) and self.producers.get(current) in VIEWS:
            reason = f"would write through `{name}`, a view of another array (made by {VIEWS[self.producers[current]]})"
        elif isinstance(current, str) and self.helper_params.get(name) == current:
            reason = (
                "would change the caller's array, which this helper parameter refers to"
            )
        else:
            return
        self.fail(
            stmt,
            f"`{name} {op}= ...` {reason}",
            f"write `{name} = {name} {op} ...` to make a new array",
            MutationNotSupported,
        )

    def bind(self, target: ast.expr, value: Value) -> None:
        if isinstance(
            target, ast.Name
        ):  # a tuple too: `s = (2, 3)`, then `x.reshape(s)`
            self.env[target.id] = value
            self.bound_at[target.id] = self.origin
            return
        assert isinstance(target, (ast.Tuple, ast.List))
        if not isinstance(value, tuple):
            value = tuple(
                self.emit(
                    "getitem", (value,), {"index": ast.Constant(i)}, _target_name(t)
                )
                for i, t in enumerate(target.elts)
            )
        if len(value) != len(target.elts):
            self.fail(
                target,
                f"cannot unpack {len(value)} values into {len(target.elts)} names",
                "match the counts",
            )
        for t, v in zip(target.elts, value, strict=False):
            self.bind(t, v)

    # --- expressions --------------------------------------------------------
    def expr(self, node: ast.expr, name: str | None = None) -> Value:
        """Normalize ``node``; its outermost node, if any, is named after ``name``."""
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            self.fail(
                node,
                f"`{ast.unparse(node)}` is not supported here",
                "rewrite it with supported operations",
            )
        return method(node, name)

    def atom(self, node: ast.expr) -> Atom:
        value = self.expr(node)
        if isinstance(value, tuple):
            self.fail(
                node,
                "a tuple cannot be used as a number or array",
                "unpack it (a, b = ...), or join the values with np.stack([...])",
            )
        return value

    def expr_Constant(self, node: ast.Constant, name: str | None) -> Value:
        if isinstance(node.value, (int, float)):  # bool is an int
            return Const(node.value)
        self.fail(
            node,
            f"the constant {node.value!r} is not a number",
            "use numbers and arrays only",
        )

    def expr_Name(self, node: ast.Name, name: str | None) -> Value:
        if node.id in self.env:
            return self.env[node.id]
        if node.id in self.module.constants:
            return Const(ast.literal_eval(self.module.constants[node.id]))
        if node.id in self.module.variables:
            raise self.module_variable(node)
        qualified = self.module.imports.get(node.id)
        if qualified in CONSTANTS:
            return Const(CONSTANTS[qualified])
        if node.id in self.module.functions or qualified:
            self.fail(
                node,
                f"`{node.id}` is a function, not a value",
                "call it",
                UnsupportedSyntax,
            )
        if node.id in self.out_of_scope:
            raise UnresolvedName(
                f"`{node.id}` has no value here: it {self.out_of_scope[node.id]}",
                self.module.location(node),
                hint=f"give `{node.id}` a value before the if/loop too",
            )
        raise UnresolvedName(
            f"name `{node.id}` is not defined in the function or at the top of the file",
            self.module.location(node),
        )

    def module_variable(self, node: ast.Name) -> UnresolvedName:
        """The refusal of a module-level name whose value is known only at run time."""
        return UnresolvedName(
            module_variable_message(self.module, node.id),
            self.module.location(node),
            hint=module_variable_hint(node.id),
        )

    def expr_Tuple(self, node: ast.Tuple, name: str | None) -> Value:
        return tuple(self.atom(e) for e in node.elts)

    expr_List = expr_Tuple

    def expr_BinOp(self, node: ast.BinOp, name: str | None) -> Value:
        if type(node.op) not in BINARY_OPS:
            self.fail(
                node,
                f"the operator `{_op_symbol(node)}` is not supported",
                "use + - * / ** @ % //",
            )
        return self.binary(BINARY_OPS[type(node.op)], node.left, node.right, name)

    def binary(
        self, prim: str, left: ast.expr, right: ast.expr, name: str | None
    ) -> Atom:
        return self.emit(prim, (self.atom(left), self.atom(right)), {}, name)

    def expr_UnaryOp(self, node: ast.UnaryOp, name: str | None) -> Value:
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            self.fail(node, "`not` and `~` are not supported", _negation_hint(node))
        operand = self.atom(node.operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        if isinstance(operand, Const) and isinstance(operand.value, list | tuple):
            self.fail(  # the model itself would raise TypeError here
                node,
                f"`{ast.unparse(node)}` negates a {type(operand.value).__name__}, "
                "which Python cannot do (a list constant is an array only next to an array)",
                "negate the numbers where the constant is defined, or after it meets "
                "an array: -(x * W)",
            )
        if isinstance(operand, Const):
            return Const(-operand.value)
        return self.emit("neg", (operand,), {}, name)

    def expr_Compare(self, node: ast.Compare, name: str | None) -> Value:
        if len(node.ops) != 1 or type(node.ops[0]) not in COMPARISONS:
            self.fail(
                node,
                "only single comparisons (<, <=, >, >=, ==, !=) are supported",
                "split a < b < c into two",
            )
        return self.binary(
            COMPARISONS[type(node.ops[0])], node.left, node.comparators[0], name
        )

    def expr_Subscript(self, node: ast.Subscript, name: str | None) -> Value:
        keyed = _indexed_by_string(node)
        if keyed is not None:
            subscript, key = keyed
            self.fail(
                key,
                f"`{self.module.source.segment(subscript)}` is indexed by a string: "
                "containers of parameters (dicts, objects) are not supported yet",
                CONTAINER_HINT,
            )
        base = self.expr(node.value)
        if isinstance(
            base, tuple
        ):  # indexing a tuple literal, e.g. x.shape[0] after unpacking
            index = self.static(node.slice, "an index")
            if isinstance(index, int):
                return base[index]
            self.fail(
                node.slice,
                "a tuple can only be indexed by an integer constant",
                "use an integer",
            )
        return self.emit(
            "getitem", (base,), {"index": self.static_param("index", node.slice)}, name
        )

    def expr_Attribute(self, node: ast.Attribute, name: str | None) -> Value:
        qualified = self.module.qualified_name(node)
        if qualified is not None:
            if qualified in CONSTANTS:
                return Const(CONSTANTS[qualified])
            self.fail(
                node,
                f"`{qualified}` is not a number or array",
                "call it, or use a supported constant (np.pi, np.e, np.inf)",
            )
        if node.attr not in ATTRIBUTES:
            self.refuse_container(node, f"`{ast.unparse(node)}`")
            self.fail(
                node,
                f"the attribute `.{node.attr}` is not supported",
                "use .T, .shape, .ndim or .size",
            )
        return self.emit(ATTRIBUTES[node.attr], (self.atom(node.value),), {}, name)

    def expr_Call(self, node: ast.Call, name: str | None) -> Value:
        func = node.func
        rule = rule_for(self.module, func, self.env)
        if rule is not None:  # a function with its own derivative rule: one node
            operands = call_operands(self.module, node, rule)
            atoms = tuple(self.atom(a) for a in operands)
            return self.emit("custom", atoms, {"rule": rule}, name)
        if (
            isinstance(func, ast.Name)
            and func.id in self.module.functions
            and func.id not in self.env
        ):
            if func.id in self.module.variables:  # rebound: which one runs is unknown
                raise self.module_variable(func)
            return self.inline(node, self.module.functions[func.id], name)
        qualified = self.module.qualified_name(func)
        if (
            qualified is None
            and isinstance(func, ast.Name)
            and func.id in BUILTINS
            and func.id not in self.env
        ):
            qualified = f"builtins.{func.id}"
        if qualified is not None:
            if qualified not in FUNCTIONS:
                raise _unknown_function(func, qualified, self.module.location(node))
            return self.call(
                node, FUNCTIONS[qualified], None, name, lib=qualified.split(".")[0]
            )
        root = _root_name(func)
        if (
            root is not None
            and root.id not in self.env
            and root.id not in self.module.imports
        ):
            raise UnresolvedName(
                f"`{root.id}` is not defined: nothing imports it",
                self.module.location(root),
                hint="import it at the top of the file, e.g. `import numpy as np`",
            )
        if isinstance(func, ast.Attribute) and func.attr in METHODS:
            return self.call(node, METHODS[func.attr], func.value, name, lib="method")
        if isinstance(func, ast.Attribute):
            self.refuse_container(func, f"`{ast.unparse(func)}(...)`")
        if isinstance(func, ast.Name):
            raise UnresolvedName(
                f"cannot resolve the function `{func.id}` statically",
                self.module.location(node),
                hint="define it at the top of this file, or import it from numpy/math/scipy.special",
            )
        raise UnknownFunction(
            f"`{ast.unparse(func)}` has no derivative rule", self.module.location(node)
        )

    def refuse_container(self, node: ast.Attribute, what: str) -> None:
        """``params.W``, ``params.get("W")``: a name of the function that no array
        has this attribute of, so it holds something else (a dict, an object)."""
        root = _root_name(node)
        if root is None or root.id not in self.env or hasattr(np.ndarray, node.attr):
            return
        self.fail(
            node,
            f"{what}: an array has no attribute `.{node.attr}`, and containers of "
            "parameters (dicts, objects) are not supported yet",
            CONTAINER_HINT,
        )

    # --- calls --------------------------------------------------------------
    def call(
        self,
        node: ast.Call,
        prim_name: str,
        receiver: ast.expr | None,
        name: str | None,
        lib: str,
    ) -> Atom:
        """A call of a primitive: bind arguments to its operands and static parameters."""
        prim = PRIMITIVES[prim_name]
        args = list(node.args)
        if (
            receiver is not None
        ):  # x.sum(0) is np.sum(x, 0); x.reshape(2, 3) is np.reshape(x, (2, 3))
            args.insert(0, receiver)
            if prim_name in ("reshape", "transpose") and len(args) > 2:
                args = [args[0], ast.Tuple(args[1:], ast.Load())]
        operands, statics = self.bind_arguments(node, prim, args)
        params = dict(statics)
        if lib == "math" and prim_name in MATH_SPELLING:
            params["lib"] = "math"
        if lib == "builtins" and prim_name in ("maximum", "minimum", "abs"):
            params["lib"] = "builtins"
        return self.emit(prim_name, tuple(operands), params, name)

    def bind_arguments(
        self, node: ast.Call, prim: Any, args: list[ast.expr]
    ) -> tuple[list[Atom], dict[str, Any]]:
        """Match a call's arguments to ``prim``'s operands and static parameters, numpy-style."""
        if prim.operands == ("*",):
            return self.bind_variadic(node, prim, args)
        names = [*prim.operands, *prim.statics]
        if len(args) > len(names):
            self.fail(
                node,
                f"too many arguments for `{prim.name}`",
                f"{prim.name} takes: {', '.join(names)}",
            )
        given = dict(zip(names, args, strict=False))
        for k in node.keywords:
            if k.arg not in names or k.arg in given:
                self.fail(
                    k,
                    f"unsupported or repeated keyword argument `{k.arg}=`",
                    f"{prim.name} takes: {', '.join(names)}",
                )
            given[k.arg] = k.value
        missing = [o for o in prim.operands if o not in given]
        if missing:
            self.fail(
                node,
                f"missing argument `{missing[0]}` for `{prim.name}`",
                "pass every operand",
            )
        operands = [
            (
                Const(prim.none_means[o])
                if _is_none(given[o]) and o in prim.none_means
                else self.atom(given[o])
            )
            for o in prim.operands
        ]
        statics = {
            s: self.static_param(s, given[s]) if s in given else default
            for s, default in prim.statics.items()
        }
        return operands, statics

    def bind_variadic(
        self, node: ast.Call, prim: Any, args: list[ast.expr]
    ) -> tuple[list[Atom], dict[str, Any]]:
        """``np.concatenate([a, b], axis)``, ``np.stack``; ``np.arange(a, b, step)``."""
        if prim.name == "arange":
            if node.keywords:
                self.fail(
                    node,
                    "np.arange takes positional arguments here",
                    "write np.arange(start, stop, step)",
                )
            return [self.atom(a) for a in args], {}
        if not args or not isinstance(args[0], (ast.List, ast.Tuple)) or len(args) > 2:
            self.fail(
                node,
                f"np.{prim.name} needs a literal list of arrays",
                f"write np.{prim.name}([a, b], axis=0)",
            )
        given = {"axis": args[1]} if len(args) == 2 else {}
        for k in node.keywords:
            if k.arg != "axis" or k.arg in given:
                self.fail(
                    k,
                    f"unsupported or repeated keyword argument `{k.arg}=`",
                    f"np.{prim.name} takes: axis",
                )
            given["axis"] = k.value
        axis = self.static_param("axis", given["axis"]) if given else 0
        return [self.atom(e) for e in args[0].elts], {"axis": axis}

    def static_param(self, name: str, node: ast.expr) -> Any:
        """A literal's value (axis, keepdims); an index or shape may be an expression."""
        if (
            name == "index"
            and isinstance(node, ast.Subscript)
            and self.module.qualified_name(node.value) == "numpy.s_"
        ):
            node = node.slice  # index_adjoint(g, x, np.s_[1:3]) in gradient code
        if name in ("index", "shape"):
            resolved = self.static_ast(node)
            try:
                return ast.literal_eval(resolved) if name == "shape" else resolved
            except (ValueError, TypeError, SyntaxError):
                return resolved
        return self.static(node, f"`{name}`")

    def inline(
        self, node: ast.Call, helper: ast.FunctionDef, name: str | None
    ) -> Value:
        """Inline a call to a helper of this file: bind its parameters, normalize its body."""
        params = [a.arg for a in [*helper.args.posonlyargs, *helper.args.args]]
        if len(node.args) > len(params):
            self.fail(
                node,
                f"`{helper.name}` takes {len(params)} arguments, {len(node.args)} given",
                "match the definition",
            )
        bound = dict(zip(params, node.args, strict=False))
        for k in node.keywords:
            if k.arg not in params or k.arg in bound:
                self.fail(
                    k,
                    f"`{helper.name}` has no parameter `{k.arg}` (or it is given twice)",
                    "match the definition",
                )
            bound[k.arg] = k.value
        if set(bound) != set(params):
            missing = next(p for p in params if p not in bound)
            self.fail(
                node,
                f"missing argument `{missing}` in the call to `{helper.name}`",
                "pass every parameter",
            )
        values = {p: self.expr(bound[p]) for p in params}
        saved = (
            self.env,
            self.origin,
            self.helper_params,
            self.out_of_scope,
            self.return_name,
        )
        self.env, self.helper_params, self.out_of_scope = values, dict(values), {}
        self.return_name = name
        result = self.body(helper.body, helper.name)
        (
            self.env,
            self.origin,
            self.helper_params,
            self.out_of_scope,
            self.return_name,
        ) = saved
        return result

    # --- static parameters --------------------------------------------------
    def static(self, node: ast.expr, what: str) -> Any:
        """A literal static parameter (axis, keepdims): its Python value."""
        resolved = self.static_ast(node)
        try:
            return ast.literal_eval(resolved)
        except (ValueError, TypeError, SyntaxError):
            self.fail(
                node,
                f"{what} must be a constant known when compiling",
                "write a literal, e.g. axis=0",
            )

    def static_ast(self, node: ast.expr) -> ast.expr:
        """An expression over inactive names (an index, a shape), with names renamed."""
        node = copy.deepcopy(node)
        for sub in ast.walk(node):
            if isinstance(sub, (ast.Call, ast.Lambda)):
                self.fail(
                    sub,
                    "calls are not supported inside an index or shape",
                    "compute the value in its own statement first",
                )
        return _RenameStatic(self).visit(node)

    # --- emission -----------------------------------------------------------
    def emit(
        self,
        prim: str,
        args: tuple[Atom, ...],
        params: dict[str, Any],
        name: str | None,
    ) -> Atom:
        """Append the node ``prim(*args)``, or fold it when every operand is a constant."""
        folded = _fold(prim, args)
        if folded is not None:
            return folded
        index = self.next_index
        self.next_index += 1
        out = self.names.user(name) if name else self.names.temp(index)
        params = {
            **PRIMITIVES[prim].statics,
            **params,
        }  # every static, defaults included
        self.eqns.append(Eqn(out, prim, args, tuple(params.items()), self.origin))
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

    def numbers_in_loop(self, loop: ast.For | ast.While) -> set[str]:
        """The names the body of ``loop`` assigns that hold numbers on every trip:
        a number before the loop (or not bound before it), and every value the
        body assigns to them arithmetic on numbers, given the same of the others
        (the largest such set, read from the syntax)."""
        assigned = _assigned_values(loop)
        before = {
            k
            for k, v in self.env.items()
            if not isinstance(v, tuple) and self.is_number(v)
        }
        constants = {
            k
            for k, v in self.module.constants.items()
            if isinstance(ast.literal_eval(v), (int, float))
        }
        numbers = {k for k in assigned if k in before or k not in self.env}
        changed = True
        while changed:
            known = numbers | (before - assigned.keys()) | (constants - self.env.keys())
            kept = {
                k
                for k in numbers
                if all(_is_arithmetic(v, known, self.module) for v in assigned[k])
            }
            changed, numbers = kept != numbers, kept
        return numbers

    def origin_of(self, stmt: ast.stmt, helper: str | None = None) -> Origin:
        """The user's statement, as written; inside an inlined helper, prefixed by its name."""
        text = self.module.source.segment(stmt)
        prefix = f"in {helper}: " if helper else ""
        return Origin(stmt.lineno, stmt.col_offset, prefix + text)

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


class _Branch:
    """A block being built: its statements, environment, and whether it breaks out."""

    def __init__(self, block: list[Stmt], env: dict, exited: bool):
        self.block, self.env, self.exited = block, env, exited


class _LoopContext:
    def __init__(self, carried: dict[str, str]):
        self.carried = carried  # user name -> carried name
        self.has_break = False


def _assigned_names(stmts: list[ast.stmt]) -> list[str]:
    """User names a block assigns (loop variables included), in order of appearance."""
    names = [
        n.id
        for stmt in stmts
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    ]
    return list(dict.fromkeys(names))


def _append_on_arriving_path(block: list[Stmt], stmt: Stmt) -> None:
    """Append ``stmt`` where the paths that reach the end of ``block`` run: after an
    ``if`` one of whose branches breaks out, that is inside the other branch."""
    last = block[-1] if block else None
    if isinstance(last, If) and may_break(last):
        for branch in (last.then, last.orelse):
            if not _breaks_out(branch):
                _append_on_arriving_path(branch, stmt)
        return
    block.append(stmt)


def may_break(stmt: If) -> bool:
    """Does some path through the ``If`` break out of the enclosing loop?"""
    return any(
        isinstance(s, Break) or (isinstance(s, If) and may_break(s))
        for s in [*stmt.then, *stmt.orelse]
    )


def _breaks_out(block: list[Stmt]) -> bool:
    """Does every path through ``block`` end in ``break``?"""
    last = block[-1] if block else None
    if isinstance(last, Break):
        return True
    return isinstance(last, If) and _breaks_out(last.then) and _breaks_out(last.orelse)


def _names_sharing_arrays(stmts: list[ast.stmt]) -> dict[str, tuple[str, int]]:
    """name -> (another name, line) where the block binds that other name to the same
    array as ``name`` or to a view of it (``t = s``, ``t = s[:2]``, ``t = s.T``)."""
    found: dict[str, tuple[str, int]] = {}
    for node in walk_statements(stmts):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            pairs = (
                zip(target.elts, node.value.elts, strict=False)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                else [(target, node.value)]
            )
            for t, value in pairs:
                if isinstance(t, ast.Name):
                    for shared in _arrays_of(value):
                        found.setdefault(shared, (t.id, node.lineno))
    return found


def _arrays_of(value: ast.expr) -> set[str]:
    """Names whose array ``value`` may be, or be a view of."""
    if isinstance(value, ast.Name):
        return {value.id}
    if isinstance(value, ast.IfExp):
        return _arrays_of(value.body) | _arrays_of(value.orelse)
    if isinstance(value, ast.Subscript | ast.Attribute):
        return _arrays_of(value.value)
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr in (
            "reshape",
            "transpose",
            "ravel",
            "squeeze",
            "view",
        ):
            base = _arrays_of(func.value)
            return base | (_arrays_of(value.args[0]) if value.args else set())
    return set()


def _loop_variable(stmt: ast.For | ast.While) -> str | None:
    return stmt.target.id if isinstance(stmt, ast.For) else None  # type: ignore[attr-defined]


def _read_after(branch: _Branch, value: str) -> bool:
    """Is ``value`` still needed under its own name: bound to another user variable?"""
    return sum(1 for v in branch.env.values() if v == value) > 1


class _RenameStatic(ast.NodeTransformer):
    """Rename the names of a static expression to their current versions."""

    def __init__(self, normalizer: _Normalizer):
        self.n = normalizer

    def visit_Name(self, node: ast.Name) -> ast.expr:
        module = self.n.module
        if node.id in self.n.env or node.id in module.constants:
            return _atom_ast(self.n.expr_Name(node, None))
        if node.id in module.variables:
            raise self.n.module_variable(node)
        if node.id == "None":
            return ast.Constant(None)
        raise UnresolvedName(
            f"name `{node.id}` is not defined", self.n.module.location(node)
        )

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        qualified = self.n.module.qualified_name(node)
        if qualified in ("numpy.newaxis",):
            return ast.Constant(None)
        if qualified in CONSTANTS:
            return ast.Constant(CONSTANTS[qualified])
        if node.attr in ("shape", "ndim", "size"):
            return ast.Attribute(self.visit(node.value), node.attr, ast.Load())
        raise UnsupportedSyntax(
            f"`{ast.unparse(node)}` is not supported in an index or shape",
            self.n.module.location(node),
            hint="compute the value in its own statement first",
        )


# Primitives that make a number of numbers (Python's, or a numpy scalar).
NUMBER_ARITHMETIC = {
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "neg",
    "mod",
    "floordiv",
    "copy",
}
ARITHMETIC_OPERATORS = (
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Pow,
    ast.Mod,
    ast.FloorDiv,
)


def _assigned_values(loop: ast.For | ast.While) -> dict[str, list[ast.expr | None]]:
    """name -> every value the loop's body (and its header) assigns it; None: a
    value not written out (an element of an unpacked array, a row)."""
    found: dict[str, list[ast.expr | None]] = {}

    def bind(target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            found.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else []
            for i, element in enumerate(target.elts):
                bind(element, values[i] if len(values) == len(target.elts) else None)

    for node in walk_statements([loop]):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            bind(node.target, node.value)
        elif isinstance(node, ast.AugAssign):
            bind(node.target, ast.BinOp(node.target, node.op, node.value))
        elif isinstance(node, ast.For):
            counts = _is_range(node.iter)  # range gives ints; rows are arrays
            bind(node.target, ast.Constant(0) if counts else None)
    return found


def _is_range(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "range"
    )


def _is_arithmetic(node: ast.expr | None, numbers: set[str], module: Module) -> bool:
    """Is ``node`` a number for sure, ``numbers`` being names that hold numbers:
    arithmetic on literals, those names, and ``math`` functions?"""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float))
    if isinstance(node, ast.Name):
        return node.id in numbers
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and _is_arithmetic(
            node.operand, numbers, module
        )
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ARITHMETIC_OPERATORS) and all(
            _is_arithmetic(side, numbers, module) for side in (node.left, node.right)
        )
    if isinstance(node, ast.IfExp):
        return all(
            _is_arithmetic(side, numbers, module) for side in (node.body, node.orelse)
        )
    if isinstance(node, ast.Call):
        qualified = module.qualified_name(node.func) or ""
        return qualified.startswith("math.") and qualified in FUNCTIONS
    return False


CONTAINER_HINT = (
    "pass the arrays as separate parameters, e.g. `def loss(W, b, x)` "
    'instead of `def loss(params, x)` with `params["W"]`'
)


def _indexed_by_string(
    node: ast.Subscript,
) -> tuple[ast.Subscript, ast.Constant] | None:
    """The innermost subscript in ``node`` with a string in its index, and the string."""
    found = None
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript):
            for key in ast.walk(sub.slice):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found = (sub, key)
                    break
    return found


def _target_name(target: ast.expr) -> str | None:
    return target.id if isinstance(target, ast.Name) else None


def _pairs(
    n: _Normalizer, targets: ast.Tuple, values: ast.Tuple
) -> list[tuple[ast.expr, ast.expr]]:
    if len(targets.elts) != len(values.elts):
        n.fail(
            targets,
            f"cannot unpack {len(values.elts)} values into {len(targets.elts)} names",
            "match the counts",
        )
    return list(zip(targets.elts, values.elts, strict=False))


def _negation_hint(node: ast.UnaryOp) -> str:
    """What to write instead of ``not c`` / ``~c``: numpy's logical_not has no rule,
    but a negation is never needed: swap what the condition chooses between, or,
    for a comparison, write the opposite one."""
    negated = ast.unparse(node.operand)
    if isinstance(node.op, ast.Not):
        swap = f"test `{negated}` itself and swap what it chooses between: `if {negated}:` with the `else:` part first"
    else:
        swap = f"swap np.where's last two arguments: `np.where({negated}, b, a)` for `np.where(~({negated}), a, b)`"
    test = node.operand
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        flipped = ast.Compare(
            test.left, [OPPOSITE_COMPARISONS[type(test.ops[0])]()], test.comparators
        )
        return f"{swap}, or write the opposite comparison `{ast.unparse(flipped)}` (it differs only where a value is nan)"
    return swap


def _op_symbol(node: ast.BinOp | ast.AugAssign) -> str:
    symbols = {
        ast.Add: "+",
        ast.Sub: "-",
        ast.Mult: "*",
        ast.Div: "/",
        ast.Pow: "**",
        ast.MatMult: "@",
        ast.Mod: "%",
        ast.FloorDiv: "//",
        ast.BitAnd: "&",
        ast.BitOr: "|",
        ast.BitXor: "^",
        ast.LShift: "<<",
        ast.RShift: ">>",
    }
    return symbols.get(type(node.op), "?")


def assert_normal_form(fn: Function) -> None:
    """Check the grammar above: names assigned before use, by known primitives, and
    only once, except merge and carried names (assigned by ``copy`` on each path)."""
    defined = _assert_block(fn.eqns, set(fn.params), set())
    assert isinstance(fn.output, Const) or fn.output in defined


def _assert_block(block: list[Stmt], defined: set[str], joins: set[str]) -> set[str]:
    defined = set(defined)
    for stmt in block:
        if isinstance(stmt, Eqn):
            assert stmt.prim in PRIMITIVES, stmt
            assert stmt.out not in defined or (
                stmt.prim == "copy" and stmt.out in joins
            ), f"{stmt.out} assigned twice"
            for arg in stmt.args:
                assert (
                    isinstance(arg, Const) or arg in defined
                ), f"{arg} used before assignment in {stmt}"
            defined.add(stmt.out)
        elif isinstance(stmt, If):
            assert isinstance(stmt.cond, Const) or stmt.cond in defined, stmt.cond
            inner = joins | set(stmt.merged)
            _assert_block(stmt.then, defined, inner)
            _assert_block(stmt.orelse, defined, inner)
            defined |= set(stmt.merged)
        elif isinstance(stmt, Loop):
            assert all(c in defined for c in stmt.carried), stmt.carried
            inner = joins | set(stmt.carried)
            tested = _assert_block(stmt.test, defined, inner)
            _assert_block(stmt.body, tested | {stmt.index} - {None}, inner)
    return defined


# Libraries adgen depends on: looking a name up in them at compile time imports
# nothing of the user's and runs no model code.
KNOWN_LIBRARIES = ("numpy", "math", "scipy")
# Functions people expect numpy to have, and what to write instead.
WELL_KNOWN_ELSEWHERE = {
    "sigmoid": "scipy.special.expit",
    "expit": "scipy.special.expit",
}


def _unknown_function(func: ast.expr, qualified: str, where: Any) -> UnknownFunction:
    """A call of ``qualified`` that has no rule: say so, or, where the library
    has no such function at all (``np.sigmoid``), say that instead."""
    missing = _missing_from_library(qualified)
    if missing is None:
        return UnknownFunction(
            f"{_spelled(func, qualified)} has no derivative rule", where
        )
    owner, name = missing
    supported = {
        f.rsplit(".", 1)[-1]: f for f in FUNCTIONS if f.startswith(owner + ".")
    }
    similar = difflib.get_close_matches(name, supported, n=1, cutoff=0.75)
    instead = WELL_KNOWN_ELSEWHERE.get(name) or (
        supported[similar[0]] if similar else None
    )
    hint = "check the spelling; the functions adgen differentiates are listed in README, 'Supported language'"
    if instead is not None:
        hint = f"did you mean `{instead}`? ({hint})"
    return UnknownFunction(
        f"{_spelled(func, qualified)}: {owner} has no function `{name}`", where, hint
    )


def _missing_from_library(qualified: str) -> tuple[str, str] | None:
    """(``numpy``, ``sigmoid``) for ``numpy.sigmoid``: the real library module, and
    the part of ``qualified`` it lacks; None if it has it, or if it is not a library
    adgen depends on."""
    parts = qualified.split(".")
    if parts[0] not in KNOWN_LIBRARIES:
        return None
    found: Any = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        if hasattr(found, part):
            found = getattr(found, part)
            continue
        try:  # a submodule not imported yet, e.g. scipy.special
            found = importlib.import_module(".".join(parts[: i + 1]))
        except ImportError:
            return ".".join(parts[:i]), ".".join(parts[i:])
    return None


def _spelled(func: ast.expr, qualified: str) -> str:
    """``np.fft.fft (numpy.fft.fft)``: the user's spelling, and what it resolved to."""
    written = ast.unparse(func)
    return f"`{written}`" if written == qualified else f"`{written}` (`{qualified}`)"


def _root_name(func: ast.expr) -> ast.Name | None:
    """``np`` in ``np.linalg.norm``; None unless ``func`` is an attribute chain on a name."""
    if not isinstance(func, ast.Attribute):
        return None
    while isinstance(func, ast.Attribute):
        func = func.value
    return func if isinstance(func, ast.Name) else None


def _atom_ast(value: Value) -> ast.expr:
    """An atom (or a tuple of them) as an expression inside a static parameter."""
    if isinstance(value, tuple):
        return ast.Tuple([_atom_ast(v) for v in value], ast.Load())
    if isinstance(value, Const):
        return to_ast(value.value)
    return ast.Name(value, ast.Load())


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


# Primitives whose result numpy may return as a view of their operand's memory.
VIEWS = {"getitem": "indexing", "transpose": "a transpose", "reshape": "reshape"}

FOLDABLE = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "neg": operator.neg,
}


def _fold(prim: str, args: tuple[Atom, ...]) -> Const | None:
    """``2 * 3`` -> ``6``: arithmetic on constants is done at compile time (where Python can)."""
    if prim not in FOLDABLE or not all(isinstance(a, Const) for a in args):
        return None
    try:
        value = FOLDABLE[prim](*(a.value for a in args))
    except (ArithmeticError, ValueError, TypeError):
        return None  # 1 / 0 and friends stay in the code, to fail as numpy would
    return Const(value) if isinstance(value, (int, float)) else None
