"""Lab 7, questions 3 and 4, answered by the code adgen generated from net_scalar.py.

Q3: with every weight 1 and every bias 0, the network's value at (x1, x2) = (2, -2).
Q4: at the same point, the gradient [dy1/dx1, dy1/dx2].

Run from the repository root after `adgen compile examples/lab7/net_scalar.py`:

    python examples/lab7/questions.py
"""

from __future__ import annotations

from lab import NAMES, net_scalar_grad


def answers() -> tuple[float, tuple[float, float]]:
    """(Q3 value, Q4 gradient) at (2, -2) with w = 1, b = 0."""
    params = [1.0 if n.startswith("w") else 0.0 for n in NAMES]
    value, _ = net_scalar_grad.forward_net(2.0, -2.0, *params)
    gradient = net_scalar_grad.grad_net(2.0, -2.0, *params)
    return float(value), (float(gradient[0]), float(gradient[1]))


def main() -> None:
    value, (d1, d2) = answers()
    print("Q3  y1(2, -2) with every w = 1, b = 0:", value)
    print("Q4  [dy1/dx1, dy1/dx2] at (2, -2):    ", [d1, d2])
    print("    every hidden pre-activation is 1*2 + 1*(-2) + 0 = 0, the ReLU kink;")
    print(
        "    with ReLU'(0) = 0 (the lab's convention) no gradient passes, so both are 0."
    )


if __name__ == "__main__":
    main()
