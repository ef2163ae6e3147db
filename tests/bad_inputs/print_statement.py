# expect: UnsupportedSyntax 6:5 | an expression statement has no effect on the result


def f(x):
    print(x)
    return x * 2.0
