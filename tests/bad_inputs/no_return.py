# expect: UnsupportedSyntax 5:1 | function `f` must end with `return <value>`


def f(x):
    y = x * 2.0
