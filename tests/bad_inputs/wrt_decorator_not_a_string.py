# expect: UnsupportedSyntax 5:2 | @adgen.wrt takes parameter names as string literals
import numpy as np
import adgen

@adgen.wrt(x)
def f(x):
    return np.sum(x * x)
