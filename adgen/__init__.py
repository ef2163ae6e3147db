"""adgen: source-to-source automatic differentiation for Python and numpy.

``adgen compile model.py`` reads a model with ``ast`` (never running it) and
writes readable forward/backward gradient code.  In a notebook::

    import adgen
    df = adgen.grad(f)            # gradient with respect to the first parameter
    print(adgen.source(f))        # the code adgen wrote for it
    adgen.jvp(f)(x, x_dot)        # forward mode; also jacobian, hessian, hvp
"""

from ._version import __version__
from .api import (
    defjvp,
    defvjp,
    grad,
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
    "grad",
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
