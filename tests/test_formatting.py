"""Stage 9 in linear time: formatting.format_program gives what black gives for the whole module.

The reference is black itself (``black.format_str`` of the emitted text), so a
difference in any line is a failure; the models cover custom rules copied
verbatim, loops and branches, powers, slices, strings, notes about missing
gradients, float paths and reruns, in every mode.
"""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from adgen.emit import imports_for
from adgen.errors import SourceFile
from adgen.formatting import BLACK_MODE, format_program, stable
from adgen.pipeline import run

ROOT = Path(__file__).resolve().parent.parent
MODELS = [
    "examples/lecture.py",
    "examples/control_flow.py",
    "examples/lab7/net_vector.py",
    "examples/custom_rules/model.py",
    "tests/rules_models/powers.py",
    "tests/rules_models/indexing.py",
    "tests/rules_models/structure.py",
]


BOTH_MODES = [*MODELS[:3], "tests/rules_models/powers.py"]  # those forward mode takes


@pytest.mark.parametrize(
    ("model", "mode"),
    [(m, "reverse") for m in MODELS] + [(m, "both") for m in BOTH_MODES],
)
def test_format_program_is_black_of_the_whole_module(model, mode):
    path = ROOT / model
    stages = run(SourceFile(str(path), path.read_text()), mode=mode)
    expected = black.format_str(stages.emitted, mode=BLACK_MODE)
    program = stages.optimized
    assert format_program(program, imports_for(program)) == expected
    assert stages.formatted == expected


@pytest.mark.parametrize(
    "statement",
    [
        "x = a ** 2",  # black hugs simple powers
        "x = y[a + 1:]",  # and spaces complex slices
        "return (a, b)",
        "x = (a)",
        "raise ValueError('no')",  # quotes
        "x = f(a,)",  # a magic trailing comma
        "x = 1  # note",
        "x = " + "a + " * 30 + "b",  # too long
        "#comment",
    ],
)
def test_what_black_would_change_is_never_called_stable(statement):
    assert not stable(statement, 1)


def test_a_long_comment_ending_in_a_colon_is_kept():
    """The comment that quotes a long `while ...:` line (found by the fuzzer)."""
    comment = "# while " + " and ".join(f"a{i} < 1.0" for i in range(12)) + ":"
    assert stable(comment, 2)


def test_a_long_statement_is_laid_out_at_its_depth(tmp_path):
    long = " + ".join(f"np.sin(x{i})" for i in range(12))
    text = f"import numpy as np\n\n\ndef f(x0, {', '.join(f'x{i}' for i in range(1, 12))}):\n"
    text += (
        f"    for i in range(3):\n        if x0 > 0:\n            x0 = x0 * ({long})\n"
    )
    condition = " + ".join(f"np.sin(x{i})" for i in range(1, 12)) + " < 100.0"
    text += f"    while {condition}:\n        x1 = x1 + 0.5\n"  # a long `# while ...:`
    text += "    return x0 * x1\n"
    stages = run(SourceFile("deep.py", text), mode="reverse")
    assert stages.formatted == black.format_str(stages.emitted, mode=BLACK_MODE)
