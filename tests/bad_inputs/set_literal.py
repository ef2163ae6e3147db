# expect: UnsupportedSyntax 6:9 | sets are not supported


def f(x):
    s = {x, 1.0}
    return x
