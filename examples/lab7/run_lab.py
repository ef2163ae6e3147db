"""Lab 7 end to end, as the README's first command runs it.

Each step prints the shell command that does the same on its own:

1. compile the two networks (and the lecture's examples) into generated/;
2. question 2: draw the computation graph of the lab's network;
3. questions 3 and 4: the value and gradient at (2, -2) with w = 1, b = 0;
4. question 5: train, write <student-id>.mat and the pictures;
5. the submission: examples/lab7/out/<student-id>/ with <student-id>.mat,
   report.pdf (questions 1 to 5) and code/ (the models, the generated
   gradient code, the scripts).

    python examples/lab7/run_lab.py [--submissions DIR] [train.py options, e.g. --student-id 2024123456]

--submissions DIR puts the submission folder in DIR/<student-id>/ instead of
examples/lab7/out/<student-id>/.
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

    sys.path.insert(0, str(HERE))
    from submission import bad_student_id

    if {"-h", "--help"} & set(argv):
        print(__doc__)
        print("train.py's options, passed through:\n")
        return _train_help()
    out, argv = _take_option(argv, "--submissions", OUT)
    student = _option(argv, "--student-id", "student")
    if problem := bad_student_id(student):
        print(f"run_lab.py: error: {problem}", file=sys.stderr)
        return 2
    from adgen.cli import main as adgen

    out = os.path.abspath(out)  # as given, before moving to the repository
    os.chdir(ROOT)  # paths in generated headers are relative to the repository
    step("compile the models", f"adgen compile {' '.join(MODELS)}")
    if adgen(["compile", *MODELS]) != 0:
        return 2
    folder = _shown(Path(out) / student)
    folder.mkdir(parents=True, exist_ok=True)
    step(
        "question 2: the computation graph",
        f"adgen graph examples/lab7/net_scalar.py:net -o {folder}/graph.png",
    )
    picture = "png" if _has_matplotlib() else "dot"
    adgen(
        ["graph", "examples/lab7/net_scalar.py:net", "-o", f"{folder}/graph.{picture}"]
    )
    import questions
    import train

    step("questions 3 and 4", "python examples/lab7/questions.py")
    questions.main()
    step(
        "question 5: training",
        f"python examples/lab7/train.py --out-dir {folder} {' '.join(argv)}".rstrip(),
    )
    outcome = train.main(["--out-dir", str(folder), *argv])
    step("the submission", f"{folder}/: {student}.mat, report.pdf, code/")
    return _submit(folder, student, train.parse_args(argv), outcome)


def _submit(folder: Path, student: str, args, outcome) -> int:
    """The report and the code beside the .mat file train.py wrote."""
    from lab import predict, test_grid
    from submission import copy_code

    copy_code(folder)
    print(f"wrote {folder / 'code'}/ (the models, the generated code, the scripts)")
    if not _has_matplotlib():
        print("no report.pdf: matplotlib is not installed (pip install 'adgen[lab]')")
        return 0
    import train
    from report import Training, write_report

    train_mse, test_mse, theta, curve = outcome
    grid = test_grid()
    training = Training(
        train.settings(args), curve, grid, predict(theta, *grid), train_mse, test_mse
    )
    report = write_report(
        folder / "report.pdf", student, folder / "graph.png", training
    )
    print(f"wrote {report}")
    return 0


def _option(argv: list[str], name: str, default: str) -> str:
    """The value of ``name`` in ``argv`` (``--name V`` or ``--name=V``), as argparse reads it."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def _shown(path: Path) -> Path:
    """``path`` relative to the repository where it is inside it (shorter to read)."""
    try:
        return path.relative_to(ROOT)
    except ValueError:
        return path


def _take_option(argv: list[str], name: str, default: str) -> tuple[str, list[str]]:
    """``name``'s value and ``argv`` without it: an option of run_lab.py's own."""
    value = _option(argv, name, default)
    rest, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == name:
            skip = True
        elif not arg.startswith(name + "="):
            rest.append(arg)
    return value, rest


def _train_help() -> int:
    import train

    train.parser().print_help()
    return 0


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ModuleNotFoundError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
