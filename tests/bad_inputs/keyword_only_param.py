# expect: UnsupportedSyntax 5:13 | keyword-only parameters are not supported


def f(x, *, k):
    return x * k
