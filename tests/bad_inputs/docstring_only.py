# expect: UnsupportedSyntax 5:1 | function `f` must end with `return <value>`


def f(x):
    """Compute something, eventually."""
