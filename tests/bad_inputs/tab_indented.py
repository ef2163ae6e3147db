# expect: UnsupportedSyntax 6:6 | sets are not supported
import numpy as np


def f(x):
	y = {x, 0.0}
	return y
