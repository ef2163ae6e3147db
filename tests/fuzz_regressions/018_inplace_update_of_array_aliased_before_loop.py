# Fuzz regression 018 (found while extending the fuzzer to loops; written by hand,
# the generator avoids in-place updates of names a loop carries): `t = s` before
# the loop makes t the same array that `s += 1.0` updates in the loop, so in
# Python t changes too. adgen neither refuses (as it does for the straight-line
# `t = s; s += 1.0`) nor follows numpy: d f / d x = [1.2, 2.0], finite
# differences [3.2, 4.0]. Fixed: refused, with the rewrite, by
# Normalizer.refuse_updates_in_loop.
# point: {'x': [0.3, 0.5]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `s += ...` would also change `t`, the same array
"""A model written for the fuzz regressions (tests/fuzz_programs.py's language)."""

import numpy as np


def f(x):
    s = x * 2.0
    t = s
    for _ in range(2):
        s += 1.0
    return np.sum(t * x)
