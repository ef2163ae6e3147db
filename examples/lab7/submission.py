"""The folder a student hands in: ``out/<student id>/`` with the .mat file, the
report and the code (the models, the gradient code adgen generated from them,
and the scripts that train and answer).  Imports nothing of the lab, so the
student id is checked before anything is compiled or trained."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = [  # what the grader runs or reads, relative to the repository
    "examples/lab7/net_scalar.py",
    "examples/lab7/net_vector.py",
    "generated/net_scalar_grad.py",
    "generated/net_vector_grad.py",
    "examples/lab7/lab.py",
    "examples/lab7/questions.py",
    "examples/lab7/train.py",
    "examples/lab7/report.py",
    "examples/lab7/submission.py",
    "examples/lab7/run_lab.py",
]
_STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def bad_student_id(text: str) -> str | None:
    """Why ``text`` cannot name the .mat file and the folder, or None if it can."""
    if not text:
        return "the student id is empty"
    if not _STUDENT_ID.fullmatch(text):
        return (
            f"the student id {text!r} must be letters, digits, '_', '-' or '.', "
            "starting with a letter or digit (it names a file and a folder)"
        )
    return None


def copy_code(folder: Path) -> list[Path]:
    """Copy the code a student submits into ``folder/code``."""
    code = folder / "code"
    code.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in CODE:
        copied.append(Path(shutil.copy2(ROOT / name, code / Path(name).name)))
    return copied
