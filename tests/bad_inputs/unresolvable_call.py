# expect: UnresolvedName 6:12 | cannot resolve the function `helper` statically


def f(x):
    return helper(x)
