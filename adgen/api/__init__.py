"""The runtime API: compile a function from its source, in memory, and call the result.

    df = adgen.grad(f)                       # reverse mode; mode="forward" also
    value, g = adgen.value_and_grad(f, wrt=("w", "b"))(*args)
    out, out_dot = adgen.jvp(f)(x, x_dot)    # also vjp, jacobian, hvp, hessian

``wrt`` follows autograd and JAX: an int or a parameter name gives one
gradient; a tuple gives a tuple of gradients, in the order asked.  Compiled
code is cached per (source text, function, wrt), and on the function's code
object while its file and globals are unchanged.

Its modules import downward only, layer by layer:

- bottom: ``decorators`` (``@adgen.wrt``, ``shapes``, ``defvjp``, ``defjvp``),
  ``parameters`` (wrt resolution), ``arrays`` (basis tangents, blocks),
  ``reading`` (a function's source: linecache, notebook cells, live constants);
  ``targets`` (numpy code or array-API code, from the arguments' library);
- ``freshness``: whether what was compiled for a function is still right;
- ``cache``: the compiled modules and gradient models, per source text, and
  per function's code object while it is fresh;
- ``specialized``: one compiled module per kind of arguments (a float, a shape);
- ``reverse_mode`` (``value_and_grad``, ``vjp``) and
  ``forward_mode`` (``jvp``, ``forward_grad``); ``display`` (``source``,
  ``graph``: what a notebook shows);
- ``derivatives`` (``jacobian``, ``hvp``, ``hessian``);
- top: ``dispatch`` (``grad``, on ``mode``).  This file only gathers names.
"""

from .cache import clear_cache, compiled_text, gradient_model_of, tangent_model_of
from .decorators import defjvp, defvjp, has_aux, shapes, wrt
from .derivatives import hessian, hvp, jacobian
from .dispatch import grad
from .display import graph, source
from .forward_mode import forward_grad, jvp
from .parameters import Wrt
from .reverse_mode import unit_seed, value_and_grad, vjp

__all__ = [
    "Wrt",
    "clear_cache",
    "compiled_text",
    "defjvp",
    "defvjp",
    "forward_grad",
    "grad",
    "gradient_model_of",
    "graph",
    "has_aux",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "shapes",
    "source",
    "tangent_model_of",
    "unit_seed",
    "value_and_grad",
    "vjp",
    "wrt",
]
