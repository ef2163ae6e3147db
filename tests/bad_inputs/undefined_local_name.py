# expect: UnresolvedName 6:16 | name `z` is not defined


def f(x):
    return x + z
