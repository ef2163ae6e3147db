"""adgen trace and adgen check: the lecture's tables and the three-way gradient check."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import EXAMPLES

from adgen.cli import main
from adgen.parse import read_source
from adgen.pipeline import run
from adgen.primitives import PRIMITIVES
from adgen.trace import (
    adjoint_trace,
    node_numbers,
    number,
    primal_trace,
    tangent_trace,
)

LECTURE = str(EXAMPLES / "lecture.py")


@pytest.fixture
def lecture_g():
    stages = run(read_source(LECTURE), ["g"])
    return stages.graphs[0], stages.backwards[0]


def test_primal_trace_matches_the_lecture(lecture_g):
    graph, _ = lecture_g
    lines, _ = primal_trace(graph, {"x1": 2.0, "x2": 5.0})
    # v1 .. v7 of the lecture, numbered as it numbers them: level by level, so
    # v5 = sin v2 comes before v6 = v3 + v4 (the generated code's n5 is the sum)
    assert [line.index for line in lines] == [1, 2, 3, 4, 5, 6, 7]
    assert [number(line.value) for line in lines] == [
        "2",
        "5",
        "0.693",
        "10",
        "-0.959",
        "10.693",
        "11.652",
    ]
    assert lines[2].code == "n3 = np.log(x1)"
    assert lines[4].code == "n6 = np.sin(x2)" and lines[5].code == "n5 = n3 + n4"


def test_tangent_trace_matches_the_lecture(lecture_g):
    graph, _ = lecture_g
    _, values = primal_trace(graph, {"x1": 2.0, "x2": 5.0})
    lines = tangent_trace(graph, values, "x1")
    # the lecture's v̇1 .. v̇7 for v̇1 = 1: 1, 0, 0.5, 5, 0, 5.5, 5.5
    assert [number(line.value) for line in lines] == [
        "1",
        "0",
        "0.5",
        "5",
        "0",
        "5.5",
        "5.5",
    ]
    assert "n4_dot = x1_dot * x2 + x2_dot * x1" in [line.code for line in lines]


def test_node_numbers_are_levels_then_evaluation_order(tmp_path):
    model = tmp_path / "levels.py"
    model.write_text(
        "import numpy as np\n\n\ndef f(a, b):\n"
        "    c = a * b\n    d = np.exp(c)\n    e = np.sin(a)\n    return d + e\n"
    )
    graph = run(read_source(str(model)), ["f"]).graphs[0]
    numbers = node_numbers(graph)
    by_code = {e.prim: numbers[e.out] for e in graph.eqns}
    # level 1: a * b, sin a (v3, v4); level 2: exp (v5); level 3: the sum (v6)
    assert by_code == {"mul": 3, "sin": 4, "exp": 5, "add": 6}


def test_adjoint_trace_matches_the_lecture(lecture_g):
    graph, backward = lecture_g
    _, values = primal_trace(graph, {"x1": 2.0, "x2": 5.0})
    lines = adjoint_trace(graph, backward, values)
    final = {line.code.split(" = ")[0]: number(line.value) for line in lines}
    assert final["x1_bar"] == "5.5" and final["x2_bar"] == "1.716"
    assert number(lines[0].value) == "1" and lines[0].code == "n7_bar = 1"
    assert "x2_bar = n6_bar * np.cos(x2)" in [
        line.code for line in lines
    ]  # v̄5 cos v2 = -0.284
    assert "-0.284" in [number(line.value) for line in lines]


def test_trace_command_prints_three_tables(capsys):
    assert main(["trace", f"{LECTURE}:g", "--at", "x1=2,x2=5", "--seed", "x1"]) == 0
    out = capsys.readouterr().out
    assert "Primal trace" in out and "Tangent trace" in out and "Adjoint trace" in out
    assert "11.652" in out and "1.716" in out


def test_annotated_graph_shows_the_lecture_tables(capsys):
    # the lecture's f at (2, 5): v3..v7 = 0.693, 10, -0.959, 10.693, 11.652,
    # v̇ for v̇1 = 1, and the adjoints v̄1 = 5.5, v̄2 = 1.716 on the inputs
    assert main(["graph", f"{LECTURE}:g", "--at", "x1=2,x2=5"]) == 0
    labels = {
        line.split('"')[1]: line.split('label="')[1].split('"')[0].split("\\n")
        for line in capsys.readouterr().out.splitlines()
        if "label=" in line
    }
    assert labels["x1"] == ["v1  x1", "x1 = 2", "x1_dot = 1", "x1_bar = 5.5"]
    assert labels["x2"] == ["v2  x2", "x2 = 5", "x2_dot = 0", "x2_bar = 1.716"]
    assert labels["n3"] == ["v3  n3", "log", "n3 = 0.693", "n3_dot = 0.5", "n3_bar = 1"]
    assert labels["n6"] == ["v5  n6", "sin", "n6 = -0.959", "n6_dot = 0", "n6_bar = -1"]
    assert labels["n5"][:3] == ["v6  n5", "add", "n5 = 10.693"]
    assert labels["n7"][2:] == ["n7 = 11.652", "n7_dot = 5.5", "n7_bar = 1"]


def test_annotated_graph_picture_and_seed(tmp_path, capsys):
    out = tmp_path / "g.svg"  # matplotlib comes with the test extra
    args = ["graph", f"{LECTURE}:g", "--at", "x1=2,x2=5", "--seed", "x2"]
    assert main([*args, "-o", str(out)]) == 0
    svg = out.read_text()
    assert "x2_bar = 1.716" in svg and "v5  n6" in svg  # each glyph run's text
    assert main(args) == 0  # seed x2: the lecture's other column, v̇5 = cos 5
    assert "n6_dot = 0.284" in capsys.readouterr().out


def test_trace_refuses_a_bad_point(capsys):
    assert main(["trace", f"{LECTURE}:g", "--at", "x1=2"]) == 2
    assert "no value for x2" in capsys.readouterr().err
    assert main(["trace", f"{LECTURE}:g", "--at", "x1=two,x2=5"]) == 2


def test_check_command_agrees_on_the_lecture(capsys):
    assert main(["check", f"{LECTURE}:g", "--at", "x1=2,x2=5"]) == 0
    out = capsys.readouterr().out
    assert "agree" in out and "1.716337815" in out


def test_check_command_fails_on_a_wrong_rule(monkeypatch, capsys):
    wrong = (lambda g, ans, x, ctx: g * (1.5 * ctx.lib.cos(x)),)
    monkeypatch.setitem(PRIMITIVES, "sin", replace(PRIMITIVES["sin"], vjp=wrong))
    assert main(["check", f"{LECTURE}:g", "--at", "x1=2,x2=5"]) == 1
    assert "DISAGREE" in capsys.readouterr().out


def test_check_needs_one_function(capsys):
    assert main(["check", LECTURE, "--at", "x1=2,x2=5"]) == 2
    assert "choose one" in capsys.readouterr().err


# --- singular points: numpy's inf/nan in the tables, never ZeroDivisionError -----------------

SINGULAR = "import numpy as np\n\n\ndef h(x, y):\n    return x / y + np.sqrt(y)\n"


def test_trace_at_a_singular_point_shows_inf(capsys):
    # d/dx1 log(x1) = 1/x1 is inf at x1 = 0, as numpy computes it
    assert main(["trace", f"{LECTURE}:g", "--at", "x1=0,x2=5"]) == 0
    out = capsys.readouterr().out
    assert "n3 = np.log(x1)  = -inf" in out
    assert "n3_dot = x1_dot / x1                = inf" in out
    assert "x1_bar = x1_bar + n3_bar / x1  = inf" in out


def test_check_at_a_singular_point_shows_inf(tmp_path, capsys):
    model = tmp_path / "singular.py"
    model.write_text(SINGULAR)
    # x / 0 in the primal itself: f is inf, so nothing can be checked there
    assert main(["check", f"{model}:h", "--at", "x=1,y=0"]) == 3
    rows = capsys.readouterr().out.splitlines()
    x_row = next(r for r in rows if r.split()[:1] == ["x"])
    assert x_row.split()[1] == "inf"  # d/dx (x / y) = 1 / y at y = 0


# --- adgen check: no false alarms; "inconclusive" (exit 3) where nothing can be trusted ------


def test_check_agrees_on_sin_at_a_large_x(tmp_path, capsys):
    """A fixed step of 1e-6 is below the spacing of floats near 1e9 (1.2e-7 apart)."""
    model = tmp_path / "wave.py"
    model.write_text("import numpy as np\n\n\ndef s(x):\n    return np.sin(x)\n")
    assert main(["check", f"{model}:s", "--at", "x=1e9"]) == 0
    out = capsys.readouterr().out
    assert (
        "agree" in out and "0.837887181" in out
    )  # cos(1e9), by hand: 0.8378871813639...


def test_check_still_catches_a_wrong_rule_at_a_large_x(tmp_path, monkeypatch, capsys):
    wrong = (lambda g, ans, x, ctx: g * (1.001 * ctx.lib.cos(x)),)
    monkeypatch.setitem(PRIMITIVES, "sin", replace(PRIMITIVES["sin"], vjp=wrong))
    model = tmp_path / "wave.py"
    model.write_text("import numpy as np\n\n\ndef s(x):\n    return np.sin(x)\n")
    assert main(["check", f"{model}:s", "--at", "x=1e9"]) == 1
    assert "DISAGREE" in capsys.readouterr().out


def test_check_where_f_is_nan_is_inconclusive(capsys):
    # log(-1) is nan: finite differences are nan, and SymPy's 1/x = -1 is no check of a nan f
    assert main(["check", f"{LECTURE}:g", "--at", "x1=-1,x2=5"]) == 3
    out = capsys.readouterr().out
    assert "inconclusive" in out and "DISAGREE" not in out


def test_check_with_a_too_noisy_reference_is_inconclusive(
    tmp_path, monkeypatch, capsys
):
    """sin(1e6 x): scipy's steps are far too long and its error estimate says so;
    without the symbolic column nothing is left to trust."""
    from adgen import gradcheck

    monkeypatch.setattr(gradcheck, "_symbolic_gradient", lambda graph, point: None)
    model = tmp_path / "fast.py"
    model.write_text("import numpy as np\n\n\ndef s(x):\n    return np.sin(1e6 * x)\n")
    rc = main(["check", f"{model}:s", "--at", "x=0.3"])
    out = capsys.readouterr().out
    assert rc == 3 and "inconclusive" in out, out
