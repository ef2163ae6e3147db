# expect: NotSupportedYet 7:5 | `continue` is not supported yet


def f(x):
    y = x * 0.5
    continue
    return y
