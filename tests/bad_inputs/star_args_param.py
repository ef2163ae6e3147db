# expect: UnsupportedSyntax 5:8 | `*args` parameters are not supported


def f(*args):
    return args
