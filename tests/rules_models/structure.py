"""Program structure: repeated use, re-assignment, augmented assignment, tuple unpacking,
helpers defined in this file (inlined by adgen), module-level literal constants.

Models for tests/test_rules.py.  adgen compiles each one from this file's source.
"""

import math  # noqa: F401

import numpy as np
from scipy.special import expit, logsumexp  # noqa: F401

# Module-level literal constants, read statically by adgen.
SCALE = 0.5
OFFSET = -1.25
POWER = 3
WEIGHTS = [0.5, -1.0, 2.0]
PAIR = (2.0, -0.5)


def relu(z):
    return np.maximum(z, 0.0)


def relu_left(z):
    return np.maximum(0, z)


def relu_mask(z):
    return z * (z > 0)


def relu_where(z):
    return np.where(z > 0, z, 0.0)


def softplus(z):
    return np.log1p(np.exp(z))


def layer(x, w, b):
    h = x @ w + b
    return relu(h)


def two_layer(x, w1, b1, w2):
    h = layer(x, w1, b1)
    return softplus(h @ w2)


def scaled(x):
    h = x * SCALE
    return h + OFFSET


def moments(x):
    return np.mean(x), np.mean(x * x)


def st_reuse(x):
    return np.sum(x * x + np.sin(x) * x - x / (1.0 + x * x))


def st_reassign(x):
    h = x * 2.0
    h = np.sin(h)
    h = h * x
    x = h + x
    return np.sum(x)


def st_augmented(x, y):
    h = x * 1.0
    h += y
    h -= np.sin(x)
    h *= x
    h /= 1.5 + y * y
    return np.sum(h)


def st_augmented_more(x, w):
    h = x + 0.5
    h **= 2
    h @= w
    h += 1.0
    return np.sum(h)


def st_augmented_param(x: float, y: float):
    x += y
    x *= y
    y -= x
    return np.sum(x * y)


def st_tuple(x, y):
    a, b = x * 2.0, np.sin(y)
    return np.sum(a * b)


def st_swap(x, y):
    a, b = x, np.exp(y)
    a, b = b, a
    return np.sum(a * 2.0 - b * b)


def st_unpack_array(x):
    r0, r1, r2 = x
    return np.sum(r0 * r1 + np.cos(r2))


def st_unpack_helper(x):
    m1, m2 = moments(x)
    return m2 - m1 * m1


def st_unpack_list(x, y):
    [a, b] = [np.sin(x), y]
    return np.sum(a + b * x)


def st_relu(x):
    return np.sum(relu(x) * x)


def st_relu_twice(x, y):
    return np.sum(relu(x) + relu(y * x))


def st_nested(x, w1, b1, w2):
    return np.sum(two_layer(x, w1, b1, w2))


def st_helper_keywords(x, w, b):
    return np.sum(layer(b=b, x=x, w=w))


def st_shadow(x):
    h = np.cos(x)
    z = relu(h - 0.2) + h
    return np.sum(z * scaled(x))


def st_constants(x):
    return np.sum(x * SCALE + OFFSET * np.sin(x) + np.pi * x**POWER)


def st_constant_list(x):
    return np.sum(np.sin(x) * WEIGHTS)


def st_constant_tuple(x):
    return np.sum(x * PAIR)


def st_docstring(x):
    """A docstring is allowed."""
    return np.sum(x**2)


def st_unused_param(x, y):
    return np.sum(np.sin(x))


def st_annotated_assign(x):
    h: float = np.sum(x)
    return h * h


def increment_square(z):
    z = z + 1.0
    return z * z


def st_shadow_after_helper(x):
    h = np.cos(x)
    s = scaled(x)
    return np.sum(h * s + h)


def st_helper_reassigns_param(x):
    z = np.sin(x)
    w = increment_square(x)
    return np.sum(w + z * increment_square(z))


def st_names_like_generated(x, n5_bar):
    n3 = np.sin(x)
    x_bar = n3 * x * n5_bar
    return np.sum(x_bar * n3)


def st_names_like_runtime(x, y):
    tape = x * y
    unbroadcast = tape + y
    return np.sum(unbroadcast * tape)


def st_alias(x):
    y = x
    y = y * 2.0
    return np.sum(y * x)


def st_identity(x):
    return x


def st_identity_helper(x):
    return relu(x) - relu(-x)


def st_constant_output(x):
    return 2.0
