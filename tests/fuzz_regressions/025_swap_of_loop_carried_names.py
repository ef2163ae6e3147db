# Fuzz regression 025 (test_gradients_match_finite_differences, shrunk by hand):
# `y, x = x, y` in a loop body. Both names are carried, and the copies that
# close the body were emitted one after the other (x_2 = y_2; y_2 = x_2), so y_2
# got the new x_2: the forward value and both gradients were wrong (adgen
# d/dx 2.0 and d/dy 0.0, finite differences 1.0 and 1.0). Fixed in
# normalize.Normalizer.carry: the copies are a parallel assignment; a carried
# name an earlier copy overwrites is saved in a temporary first.
# point: {'x': [[1.268034, -1.677864, -1.323762], [-1.06966, -1.315558, 1.238544]], 'y': [[1.494272, 0.348374, -1.897524], [-1.743422, -0.68932, -0.335218]]}
# check: gradients
"""A generated program (tests/fuzz_programs.py)."""

import numpy as np


def f(x: "2 3", y: "2 3"):
    for _ in range(2):
        y, x = x, y
    a = x + 2.0 * y
    return np.sum(a)
