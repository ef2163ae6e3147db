# expect: UnsupportedSyntax 6:12 | returning several values is not supported


def f(x):
    return x, x * 2.0
