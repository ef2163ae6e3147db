# expect: UnsupportedSyntax 6:9 | generators are not supported


def f(x):
    y = yield x
    return y
