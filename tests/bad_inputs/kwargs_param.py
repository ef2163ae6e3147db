# expect: UnsupportedSyntax 5:12 | `**kw` parameters are not supported


def f(x, **kw):
    return x
