# expect: UnsupportedSyntax 6:5 | a bare annotation declares nothing to compute


def f(x):
    y: float
    return x
