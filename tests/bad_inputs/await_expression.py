# expect: UnsupportedSyntax 6:9 | `await` is not supported


def f(x):
    y = await x
    return y
