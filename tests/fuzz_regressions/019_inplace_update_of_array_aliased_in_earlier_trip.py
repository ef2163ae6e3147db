# Fuzz regression 019 (found while extending the fuzzer to loops; written by hand):
# `t = s` at the end of trip 1 makes t the array that `s += 1.0` updates in
# trip 2, before `u + np.sum(t)` reads it. Python's value is 14.0, adgen's
# forward_f gives 10.0 (its gradient happens to agree: the difference is a
# constant). adgen should refuse, as for straight-line code. Open: the alias
# exists only from one trip to the next; refuse_shared_update looks at env once,
# while the body is normalized, where s and t hold different carried names
# (s_2, t_2). Seeing it needs a check after the body: a name updated in place
# before it is rebound must not share its value with another carried name at
# the end of a path that goes round again.
# point: {'x': [0.3, 0.5]}
# check: refuse_or_correct
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
