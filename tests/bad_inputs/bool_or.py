# expect: NotSupportedYet 6:9 | `and`/`or` are not supported yet


def f(x, y):
    z = x or y
    return z
