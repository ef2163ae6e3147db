"""The normalize package's parts on their own: the one argument binder, the
immutable scope, and check's syntactic alias analysis."""

from __future__ import annotations

import ast
import dataclasses
import textwrap

import pytest

from adgen.check import arrays_shared_in
from adgen.errors import SourceFile, UnresolvedName, UnsupportedSyntax
from adgen.normalize.binder import HELPER, PRIMITIVE, Signature, bind_arguments
from adgen.normalize.scope import LoopContext, Scope
from adgen.parse import parse_module
from adgen.pipeline import run


def _call(source: str) -> tuple[object, ast.Call]:
    module = parse_module(SourceFile("m.py", source))
    call = next(n for n in ast.walk(module.tree) if isinstance(n, ast.Call))
    return module, call


SUM = Signature("sum", ("x", "axis", "keepdims"), ("x",), PRIMITIVE)


def test_binder_matches_positional_and_keyword_arguments():
    module, call = _call("f(a, 0, keepdims=True)\n")
    given = bind_arguments(module, call, SUM, list(call.args))
    assert {k: ast.unparse(v) for k, v in given.items()} == {
        "x": "a",
        "axis": "0",
        "keepdims": "True",
    }


@pytest.mark.parametrize(
    "source, signature, message",
    [
        ("f(a, 0, 1, 2)\n", SUM, "too many arguments for `sum`"),
        ("f(a, x=b)\n", SUM, "unsupported or repeated keyword argument `x=`"),
        ("f(axis=0)\n", SUM, "missing argument `x` for `sum`"),
        (
            "f(a, b, c)\n",
            Signature("h", ("p", "q"), ("p", "q"), HELPER),
            "`h` takes 2 arguments, 3 given",
        ),
        (
            "f(a, r=b)\n",
            Signature("h", ("p", "q"), ("p", "q"), HELPER),
            "`h` has no parameter `r` (or it is given twice)",
        ),
        (
            "f(a)\n",
            Signature("h", ("p", "q"), ("p", "q"), HELPER),
            "missing argument `q` in the call to `h`",
        ),
        (
            "f([a, b], arrays=c)\n",
            Signature("np.stack", ("arrays", "axis"), (), PRIMITIVE, ("axis",)),
            "unsupported or repeated keyword argument `arrays=`",
        ),
    ],
)
def test_binder_refuses_as_python_would(source, signature, message):
    module, call = _call(source)
    with pytest.raises(UnsupportedSyntax) as caught:
        bind_arguments(module, call, signature, list(call.args))
    assert caught.value.message == message


def test_binder_hints_name_what_a_callee_takes():
    module, call = _call("f([a], mode=1)\n")
    stack = Signature("np.stack", ("arrays", "axis"), (), PRIMITIVE, ("axis",))
    with pytest.raises(UnsupportedSyntax) as caught:
        bind_arguments(module, call, stack, list(call.args))
    assert caught.value.hint == "np.stack takes: axis"


def test_scope_is_immutable_and_a_loop_makes_a_new_one():
    outer = Scope(helper="h")
    with pytest.raises(dataclasses.FrozenInstanceError):
        outer.helper = "g"  # type: ignore[misc]
    loop = LoopContext({"x": "x_2"})
    inner = outer.in_loop(loop)
    assert inner.loops == (loop,) and outer.loops == ()
    assert inner.helper == "h" and inner.out_of_scope is outer.out_of_scope


def test_a_helper_does_not_see_why_the_callers_names_have_no_value():
    # the caller's `y` is bound in one branch only; the helper's `y` is undefined
    source = textwrap.dedent("""\
        def h(x):
            return x * y

        def f(x):
            if x > 0:
                y = x
            return h(x)
        """)
    with pytest.raises(UnresolvedName) as caught:
        run(SourceFile("m.py", source), ["f"])
    assert caught.value.message.startswith("name `y` is not defined")


def test_check_finds_names_sharing_an_array():
    body = ast.parse("t = s[:2]\nu, v = w.T, 1.0\nz = a.reshape(3)\n").body
    assert arrays_shared_in(body) == {"s": ("t", 1), "w": ("u", 2), "a": ("z", 3)}
