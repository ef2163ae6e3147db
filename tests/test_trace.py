"""adgen trace and adgen check: the lecture's tables and the three-way gradient check."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

from adgen import rules
from adgen.cli import main
from adgen.parse import read_source
from adgen.pipeline import run
from adgen.trace import adjoint_trace, number, primal_trace, tangent_trace

LECTURE = str(EXAMPLES / "lecture.py")


@pytest.fixture
def lecture_g():
    stages = run(read_source(LECTURE), ["g"])
    return stages.graphs[0], stages.backwards[0]


def test_primal_trace_matches_the_lecture(lecture_g):
    graph, _ = lecture_g
    lines, _ = primal_trace(graph, {"x1": 2.0, "x2": 5.0})
    # v1 .. v7 of the lecture: 2, 5, 0.693, 10, -0.959, 10.693, 11.652 (v5 is sin, v6 the sum there;
    # adgen numbers nodes in evaluation order of the source: n5 = n3 + n4, n6 = sin(x2))
    assert [number(line.value) for line in lines] == [
        "2",
        "5",
        "0.693",
        "10",
        "10.693",
        "-0.959",
        "11.652",
    ]
    assert lines[2].code == "n3 = np.log(x1)"


def test_tangent_trace_matches_the_lecture(lecture_g):
    graph, _ = lecture_g
    _, values = primal_trace(graph, {"x1": 2.0, "x2": 5.0})
    lines = tangent_trace(graph, values, "x1")
    assert [number(line.value) for line in lines] == [
        "1",
        "0",
        "0.5",
        "5",
        "5.5",
        "0",
        "5.5",
    ]
    assert "n4_dot = x1_dot * x2 + x2_dot * x1" in [line.code for line in lines]


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


def test_trace_refuses_a_bad_point(capsys):
    assert main(["trace", f"{LECTURE}:g", "--at", "x1=2"]) == 2
    assert "no value for x2" in capsys.readouterr().err
    assert main(["trace", f"{LECTURE}:g", "--at", "x1=two,x2=5"]) == 2


def test_check_command_agrees_on_the_lecture(capsys):
    assert main(["check", f"{LECTURE}:g", "--at", "x1=2,x2=5"]) == 0
    out = capsys.readouterr().out
    assert "agree" in out and "1.716337815" in out


def test_check_command_fails_on_a_wrong_rule(monkeypatch, capsys):
    monkeypatch.setitem(
        rules.RULES, "sin", (lambda g, ans, x, lib: g * (1.5 * lib.cos(x)),)
    )
    assert main(["check", f"{LECTURE}:g", "--at", "x1=2,x2=5"]) == 1
    assert "DISAGREE" in capsys.readouterr().out


def test_check_needs_one_function(capsys):
    assert main(["check", LECTURE, "--at", "x1=2,x2=5"]) == 2
    assert "choose one" in capsys.readouterr().err
