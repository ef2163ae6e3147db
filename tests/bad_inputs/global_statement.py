# expect: UnsupportedSyntax 9:5 | `global` is not supported


SCALE = 2.0


def f(x):
    global SCALE
    return x * SCALE
