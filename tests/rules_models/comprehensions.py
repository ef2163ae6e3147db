"""Comprehensions and generator expressions with a trip count known when
compiling, and Python's sum. Models for tests/test_comprehensions.py."""

import numpy as np

N = 3


def stacked_comprehension(x):
    v = np.array([np.sin(x[i]) * x[i + 1] for i in range(N)])
    return np.sum(v**2)


def sum_of_generator(x, w):
    return sum(w * x[i] ** 2 for i in range(3))


def sum_of_list(a, b):
    return np.sum(sum([a * b, np.tanh(a), b]))


def over_a_list(a, b):
    parts = [a, b * 2.0]
    nested = np.array([[p * k for k in range(1, 3)] for p in parts])
    return sum(np.sum(p**2) for p in parts) + np.sum(nested * nested)


def sum_of_rows(X):
    return np.sum(sum(X) ** 2)


def comprehension_indexed(x, i):
    terms = [np.exp(x[k]) for k in range(2)]
    return terms[1] * np.sum(x) + np.array(terms)[i]
