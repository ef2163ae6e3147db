# Fuzz regression 021 (found while extending the fuzzer to loops; written by hand):
# v = s[:1] is a view, so `v += 1.0` in the loop writes into s. adgen refuses
# that update in straight-line code ("a view of another array") but not in a
# loop: d f / d x = [1.2, 2.0], finite differences [3.2, 2.0]. Fixed: refused, with the rewrite, by
# Normalizer.refuse_updates_in_loop.
# point: {'x': [0.3, 0.5]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `v += ...` would write through `v`, a view of another array (made by indexing)
"""A model written for the fuzz regressions (tests/fuzz_programs.py's language)."""

import numpy as np


def f(x):
    s = x * 2.0
    v = s[:1]
    for _ in range(2):
        v += 1.0
    return np.sum(s * x)
