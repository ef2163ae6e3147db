"""Normalize (after parse and check): one primitive operation per assignment (A-normal form).

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

The package is split along the pass's jobs, one module each:

* ``signature``: the function's parameters, ``@adgen.shapes`` and ``wrt``;
* ``expressions``: A-normal form of expressions (one node per operation);
* ``calls``: calls of primitives and helpers (helpers are inlined);
* ``binder``: the one matcher of a call's arguments to a callee's parameters;
* ``statics``: static parameters (axis, an index, a shape);
* ``statements``: assignments and the single-assignment versions of names;
* ``joins``: ``if`` blocks and the merge names after them (SSA joins);
* ``loops``: loops and the names they carry from one trip to the next;
* ``conditions``: ``not``/``and``/``or`` and chained comparisons, short-circuiting;
* ``effects``: ``print(...)`` and ``assert``, kept for what they do;
* ``comprehensions``: comprehensions with a known trip count, unrolled; ``sum``;
* ``numbers``: which values are Python numbers, and constant folding;
* ``scope``: the immutable scope passed down, and the block being written;
* ``blocks``: small facts about lowered blocks (does a path break out?);
* ``form``: ``assert_normal_form``, the grammar above as a check;
* ``lowerer``: the class that puts the jobs together, and ``normalize``.
"""

from .form import assert_normal_form
from .lowerer import normalize

__all__ = ["assert_normal_form", "normalize"]
