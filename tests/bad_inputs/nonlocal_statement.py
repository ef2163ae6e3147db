# expect: UnsupportedSyntax 6:5 | `nonlocal` is not supported


def f(x):
    nonlocal y
    return x
