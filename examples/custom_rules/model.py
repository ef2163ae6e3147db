"""Custom derivative rules: a numerically stable formula, a black box, a straight-through estimator.

    adgen compile examples/custom_rules/model.py      # writes generated/model_grad.py
    python examples/custom_rules/model.py             # adgen's gradients beside finite differences

`softplus` has its rule here; `mills_ratio` and `ste_round` have theirs in
stable_ops.py, next to this file.  adgen reads both files without running them.
"""

import numpy as np
import scipy.special
from stable_ops import mills_ratio, ste_round

import adgen


def softplus(x):
    """log(1 + e^x) without overflow: e^800 is inf, logaddexp(0, 800) is 800."""
    return np.logaddexp(0.0, x)


@adgen.defvjp(softplus)
def softplus_vjp(g, ans, x):
    return g * scipy.special.expit(x)  # the logistic sigmoid, also overflow-free


@adgen.wrt("w")
@adgen.shapes(w="3", X="n 3", y="n")
def logistic_loss(w, X, y):
    """Logistic regression (labels y in {-1, +1}) with weights quantised to quarters
    during training: the forward pass rounds, the gradient passes straight through."""
    wq = ste_round(4.0 * w) / 4.0
    return np.mean(softplus(-y * (X @ wq)))


@adgen.wrt("w")
@adgen.shapes(w="3", X="n 3", y="n")
def probit_loss(w, X, y):
    """Probit regression's negative log-likelihood, -Σ log Φ(y·Xw), finite even for badly
    misclassified points (margin -40: Φ underflows to 0, its log to -inf), through
    log Φ(m) = log R(-m) - m²/2 - log √(2π), with R the Mills ratio."""
    m = y * (X @ w)
    return np.sum(0.5 * m**2 + 0.5 * np.log(2.0 * np.pi) - np.log(mills_ratio(-m)))


if __name__ == "__main__":
    from adgen.testing import numerical_grad

    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3))
    y = np.sign(rng.standard_normal(20))
    w = np.array([0.3, -1.1, 2.05])
    for loss in (logistic_loss, probit_loss):
        print(f"{loss.__name__}: adgen  {adgen.grad(loss)(w, X, y)}")
    # ste_round has no derivative to difference; with it replaced by the identity
    # the finite differences are what the straight-through gradient must equal.
    print("probit_loss: finite differences", numerical_grad(probit_loss, (w, X, y), 0))
    far = (
        np.array([40.0, 0.0, 0.0]),
        np.eye(3)[:1],
        -np.ones(1),
    )  # one point, margin -40
    print(
        "probit_loss at margin -40:",
        probit_loss(*far),
        "gradient",
        adgen.grad(probit_loss)(*far),
    )
