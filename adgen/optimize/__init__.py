"""Stage 7, optimize: ``Program -> Program`` passes over the output IR, chosen by role.

``forward_f`` and ``backward_f`` keep the statements the sweeps wrote, the
lecture's spelling.  The fused gradients (``grad_f``, ``value_and_grad_f``),
the fast path for training, go through, in order:

1. ``copies.forward_copies``: the seed and adjoint copies forwarded (straight-line code);
2. ``liveness.free_dead_arrays``: ``del`` of each matrix after its last use;
3. ``scalars.spell_scalar_math``: ``math`` for numpy on scalars, and the float path.

Then every emitted function, of every role, goes through

4. ``fresh.fresh_results``: a returned gradient is never an array the caller
   passed in (``x_bar = fresh_copy(w)``, not ``x_bar = w``);
5. ``arguments.python_arguments``: lists read as arrays on entry, and the rerun
   with numpy floats where Python's float arithmetic raises.

For ``target="array-api"`` steps 3 and 5, numpy's Python-float paths, are
skipped and ``array_api.to_array_api`` respells every function in the
standard's names instead.

``adgen compile --dump program`` shows the IR before these passes,
``--dump optimize`` after them.
"""

from __future__ import annotations

from .. import program as P
from ..graph import Graph
from .arguments import python_arguments
from .array_api import to_array_api
from .copies import forward_copies, typed_gradients
from .fresh import fresh_results
from .liveness import free_dead_arrays
from .scalars import spell_scalar_math


def optimize(
    program: P.Program, graphs: list[Graph], target: str = "numpy"
) -> P.Program:
    """``program`` with each fused gradient optimized, then every function given
    its Python-argument handling (``graphs``: the model functions'), or for
    ``target="array-api"`` its array-API spelling."""
    by_model = {g.fn.name: g for g in graphs}
    sweeps = program.names_by_role()

    def fused(fn: P.Function) -> P.Function:
        if fn.role not in P.FUSED:
            return fn
        graph = by_model[fn.model]
        if graph.straight_line:
            fn = forward_copies(fn, typed_gradients(graph))
        fn = free_dead_arrays(fn, graph)
        return fn if target != "numpy" else spell_scalar_math(fn, graph, sweeps)

    def fresh(fn: P.Function) -> P.Function:
        graph = by_model.get(fn.model)
        return fresh_results(fn, graph) if graph else fn

    program = program.with_functions(fused).with_functions(fresh)
    if target != "numpy":
        return to_array_api(program, graphs)
    return python_arguments(program, graphs)


__all__ = ["optimize"]
