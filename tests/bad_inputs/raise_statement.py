# expect: UnsupportedSyntax 6:5 | `raise` cannot be differentiated


def f(x):
    raise ValueError("negative input")
    return x
