# expect: MutationNotSupported 6:5 | assigning to an attribute is not supported


def f(obj, x):
    obj.attr = 1
    return x
