# Float32 gap 016 (found by hand after 007-015 were closed; the float32 property
# passes its 2000 examples): float32 in, float64 gradient out.  maximum of a
# scalar and a constant, as the output: its rule multiplies the Python-float
# seed by a numpy bool scalar, (n2 > 0.1), which gives a float64 numpy scalar
# (015); index_adjoint now gives x's dtype, but here the scalar meets x in the
# rule of x @ x, g * x, which upcasts.  Same through logsumexp's and trace's
# rules.  Closed for a while by grad_f's copy forwarding (adgen/fuse.py), which
# folded the seed away so that the bool mask met the float32 array directly;
# open again since regression 033: a bare mask as an adjoint was a bool, which
# a later rule negated (TypeError), two kinks summed as logical or (True, not
# 2), and grad_f returned as a gradient.  grad_f now keeps 1.0 * (n2 > 0.1),
# float64 as in backward_f: the right values, the wrong dtype.
# point: {'x': [0.3, -0.2, 0.5]}
# check: float32
"""A program written by hand, in the style of tests/fuzz_programs.py."""

# ruff: noqa: F401
import math

import numpy as np
from scipy.special import expit, logsumexp

from adgen import shapes


@shapes(x="3")
def f(x):
    return np.maximum(x @ x, 0.1)
