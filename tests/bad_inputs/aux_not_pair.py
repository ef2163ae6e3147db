# expect: UnsupportedSyntax 8:12 | has has_aux but does not return a pair (loss, aux)
import numpy as np
import adgen


@adgen.has_aux
def f(x):
    return x * 2.0
