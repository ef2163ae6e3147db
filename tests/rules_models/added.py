"""Models of the numpy functions added for autograd's coverage (issue 15), one or
more per primitive, for tests/test_added_functions.py: each is checked against
central finite differences in reverse and in forward mode."""

import math

import numpy as np


# --- elementwise: one array ---------------------------------------------------
def u_arccosh(x):
    return np.arccosh(x)


def u_arctanh(x):
    return np.arctanh(x)


def u_deg2rad(x):
    return np.deg2rad(x)


def u_radians(x):
    return np.radians(x)


def u_rad2deg(x):
    return np.rad2deg(x)


def u_degrees(x):
    return np.degrees(x)


def u_cbrt(x):
    return np.cbrt(x)


def u_sinc(x):
    return np.sinc(x)


def s_sinc(x):
    return np.sum(np.sinc(x))


# --- elementwise: two arrays --------------------------------------------------
def b_logaddexp(x, y):
    return np.logaddexp(x, y)


def b_logaddexp2(x, y):
    return np.logaddexp2(x, y)


def b_fmax(x, y):
    return np.fmax(x, y)


def b_fmin(x, y):
    return np.fmin(x, y)


def b_hypot(x, y):
    return np.hypot(x, y)


def b_arctan2(x, y):
    return np.arctan2(x, y)


def b_np_mod(x, y):
    return np.mod(x, y)


def b_remainder(x, y):
    return np.remainder(x, y)


# --- zero derivative: the value is data --------------------------------------
def z_rounding(x):
    steps = np.ceil(x) + np.floor(x) + np.round(x) + np.around(x, 1) + np.rint(x)
    return x * (steps + np.sign(x) + np.fix(x) + np.trunc(x)) + x.round(2)


# --- math spellings on Python floats ----------------------------------------
def m_acosh(x: float):
    return math.acosh(x)


def m_atanh(x: float):
    return math.atanh(x)


def m_degrees(x: float):
    return math.degrees(x) * math.radians(x)


def m_hypot(x: float, y: float):
    return math.hypot(x, y)


def m_atan2(x: float, y: float):
    return math.atan2(x, y)


def m_rounding(x: float):
    return x * (math.floor(x) + math.ceil(x) + math.trunc(x))
