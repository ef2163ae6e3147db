# expect: UnsupportedSyntax 6:5 | generators are not supported


def f(x):
    yield x
    return x
