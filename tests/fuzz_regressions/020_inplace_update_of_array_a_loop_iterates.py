# Fuzz regression 020 (found while extending the fuzzer to loops; written by hand):
# `for row in s` reads s[i] from the array itself at each trip, so `s += 1.0`
# in the body changes the rows still to come. adgen takes the rows of s as it
# was before the loop: d f / d x = [3.2, 3.2], finite differences [4.2, 4.2].
# Fixed: refused, with the rewrite, by
# Normalizer.refuse_updates_in_loop.
# point: {'x': [0.3, 0.5]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `s += ...` would change `s`, the array this loop goes through
"""A model written for the fuzz regressions (tests/fuzz_programs.py's language)."""

import numpy as np


def f(x):
    s = x * 2.0
    total = 0.0
    for row in s:
        s += 1.0
        total = total + np.sum(row * x)
    return total
