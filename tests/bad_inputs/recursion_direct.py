# expect: RecursionNotSupported 6:12 | recursive call (f -> f)


def f(x):
    return f(x * 0.5) + x
