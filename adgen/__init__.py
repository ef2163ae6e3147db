"""adgen: source-to-source automatic differentiation for Python and numpy.

``adgen compile model.py`` reads a model with ``ast`` (never running it) and
writes readable forward/backward gradient code.  In a notebook::

    import adgen
    df = adgen.grad(f)            # gradient with respect to the first parameter
    adgen.source(f)               # the code adgen writes for it, shown highlighted
    adgen.graph(f, at={"x1": 2.0, "x2": 5.0})  # the graph, values and adjoints inline
    adgen.jvp(f)(x, x_dot)        # forward mode; also jacobian, hessian, hvp
    adgen.export.jax(f)           # the generated sweeps as a jax.custom_vjp (also .torch)
"""

import importlib
from typing import Any

from ._version import __version__
from .api import (
    defjvp,
    defvjp,
    grad,
    graph,
    has_aux,
    hessian,
    hvp,
    jacobian,
    jvp,
    shapes,
    source,
    value_and_grad,
    vjp,
    wrt,
)
from .errors import AdgenError

__all__ = [
    "AdgenError",
    "__version__",
    "defjvp",
    "defvjp",
    "export",
    "grad",
    "graph",
    "has_aux",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "shapes",
    "source",
    "value_and_grad",
    "vjp",
    "wrt",
]


def __getattr__(name: str) -> Any:
    # adgen.export is imported on first use: it is the only module that may
    # import jax or torch, and `import adgen` should not pay for that
    if name == "export":
        return importlib.import_module(".export", __name__)
    raise AttributeError(f"module 'adgen' has no attribute {name!r}")
