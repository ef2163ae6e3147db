# expect: UnsupportedSyntax 5:1 | function `f` must end with `return <value>`
import numpy as np


def f(x):
    """Compute something, eventually."""
