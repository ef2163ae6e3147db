# expect: UnsupportedSyntax 6:9 | dictionaries are not supported


def f(x):
    d = {"w": x}
    return x
