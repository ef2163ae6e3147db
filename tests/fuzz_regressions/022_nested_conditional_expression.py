# Fuzz regression 022 (test_gradients_match_finite_differences, 1000 examples;
# shrunk by hand from an elif test `(2.0 ** 2 if x @ x >= -0.5 else np.pi if
# a.dot(a) < SCALE else a[1]) >= ...`): a conditional expression inside the
# else of another crashed the compiler with KeyError: '<value if>'. In
# Normalizer.expr_IfExp, `self.env.__setitem__(key, self.expr(...))` took the
# bound method of the environment before evaluating the inner expression, whose
# join replaced self.env: the value went into the stale dictionary. The same
# held for a conditional expression in a while test. Fixed: Normalizer.set_env
# reads self.env after computing the value.
# point: {'x': [1.368034, 0.622136, -0.023762]}
# check: gradients
"""A generated program (tests/fuzz_programs.py)."""

import numpy as np

SCALE = 0.5


def f(x):
    a = x
    y = 2.0 * a if x @ x >= 2.5 else np.pi * a if a.dot(a) < SCALE else a[1] * x
    return np.sum(y)
