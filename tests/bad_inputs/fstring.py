# expect: UnsupportedSyntax 6:9 | f-strings are not supported


def f(x):
    s = f"x = {x}"
    return x
