# expect: UnsupportedSyntax 6:5 | classes are not supported


def f(x):
    class Box:
        pass
    return x
