"""Lab 7 end to end, as the README's first command runs it.

Each step prints the shell command that does the same on its own:

1. compile the two networks (and the lecture's examples) into generated/;
2. question 2: draw the computation graph of the lab's network;
3. questions 3 and 4: the value and gradient at (2, -2) with w = 1, b = 0;
4. question 5: train, write <student-id>.mat and the pictures.

    python examples/lab7/run_lab.py [train.py options, e.g. --student-id 2024123456]
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = "examples/lab7/out"
MODELS = [
    "examples/lecture.py",
    "examples/lab7/net_scalar.py",
    "examples/lab7/net_vector.py",
]


def step(title: str, command: str) -> None:
    print(f"\n== {title}\n$ {command}", flush=True)


def main(argv: list[str]) -> int:
    import os

    from adgen.cli import main as adgen

    os.chdir(ROOT)  # paths in generated headers are relative to the repository
    step("compile the models", f"adgen compile {' '.join(MODELS)}")
    if adgen(["compile", *MODELS]) != 0:
        return 2
    step(
        "question 2: the computation graph",
        f"adgen graph examples/lab7/net_scalar.py:net -o {OUT}/graph.png",
    )
    Path(OUT).mkdir(parents=True, exist_ok=True)
    picture = "png" if _has_matplotlib() else "dot"
    adgen(["graph", "examples/lab7/net_scalar.py:net", "-o", f"{OUT}/graph.{picture}"])
    sys.path.insert(0, str(HERE))
    import questions
    import train

    step("questions 3 and 4", "python examples/lab7/questions.py")
    questions.main()
    step(
        "question 5: training",
        f"python examples/lab7/train.py --out-dir {OUT} {' '.join(argv)}".rstrip(),
    )
    train.main(["--out-dir", OUT, *argv])
    return 0


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ModuleNotFoundError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
