# expect: UnsupportedSyntax 6:12 | missing argument `k` in the call to `_scale`


def f(x):
    return _scale(x)


def _scale(x, k):
    return x * k
