"""Casts of a value: ``int(x)``, ``np.int64(x)``, ``np.int32(x)``; ``float(x)``, ``np.float64(x)``.

An integer cast truncates: a piecewise-constant function, so, like ``np.floor``,
it has no rule and its value is data (``new_inds = np.int64(W[:, -1])`` indexes
without carrying a derivative).  A float cast changes only the type: its
derivative is the identity (``float(np.sum(x))`` differentiates as
``np.sum(x)``).  ``int(x)`` and ``float(x)`` are Python's, for scalars;
numpy's keep arrays.  The array API standard spells a cast ``xp.astype``:
``--target array-api`` refuses numpy's named casts (``array_api=None``);
Python's ``int``/``float`` take any library's 0-d array.  ``x.dtype`` and
``np.int64`` as a value (``assert x.dtype == np.int64``) are data too.
"""

from __future__ import annotations

import ast

from ..expr import E
from .record import Primitive, call, np, register
from .shape_ops import builtin


def _identity(g: E, ans: E, x: E, ctx: object) -> E:
    return g


register(
    Primitive(
        "int",
        lambda x: E(builtin("int")).call(x),
        elementwise=True,
        calls=("builtins.int",),
        float_result=False,
    )
)
for _name in ("int64", "int32"):
    register(
        Primitive(
            _name,
            call(getattr(np, _name)),
            elementwise=True,
            calls=(f"numpy.{_name}",),
            float_result=False,
            array_api=None,
        )
    )
register(
    Primitive(
        "float",
        lambda x: E(builtin("float")).call(x),
        elementwise=True,
        calls=("builtins.float",),
        vjp=(_identity,),
    )
)
register(
    Primitive(
        "float64",
        call(np.float64),
        elementwise=True,
        calls=("numpy.float64",),
        vjp=(_identity,),
        array_api=None,
    )
)

# ``x.dtype == np.int64``: a dtype, and numpy's scalar types read as values (data)
TYPE_NAMES = ("int64", "int32", "float64", "float32", "bool_")
register(Primitive("dtype", lambda x: x.attr("dtype"), attributes=("dtype",)))
register(
    Primitive(
        "numpy_type",
        lambda name: E(ast.Attribute(ast.Name("np", ast.Load()), name, ast.Load())),
        (),
        statics={"name": "float64"},
    )
)
