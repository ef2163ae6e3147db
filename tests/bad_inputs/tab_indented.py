# expect: NotSupportedYet 6:6 | conditional expressions are not supported yet
import numpy as np


def f(x):
	y = x if x > 0.0 else 0.0
	return y
