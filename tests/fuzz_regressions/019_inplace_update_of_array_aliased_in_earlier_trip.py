# Fuzz regression 019 (found while extending the fuzzer to loops; written by hand):
# `t = s` at the end of trip 1 makes t the array that `s += 1.0` updates in
# trip 2, before `u + np.sum(t)` reads it. Python's value is 14.0, adgen's
# forward_f gives 10.0 (its gradient happens to agree: the difference is a
# constant). Fixed: refused, with the rewrite, by
# Normalizer.refuse_updates_in_loop.
# point: {'x': [0.3, 0.5]}
# check: refuse_or_correct
# refusal: MutationNotSupported: `s += ...` in a loop would also change `t`
"""A model written for the fuzz regressions (tests/fuzz_programs.py's language)."""

import numpy as np


def f(x):
    s = x * 2.0
    t = x
    u = 0.0
    for _ in range(3):
        s += 1.0
        u = u + np.sum(t)
        t = s
    return u
