"""Pictures of computation graphs: the lecture's graph in DOT, and files drawn with matplotlib."""

from __future__ import annotations

import re

import pytest
from conftest import EXAMPLES

from adgen.draw import render, to_dot
from adgen.errors import InputFileError
from adgen.graph import Graph
from adgen.parse import read_source
from adgen.pipeline import run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NODE = re.compile(r'^\s*"(\w+)" \[label="((?:[^"\\]|\\.)*)"', re.MULTILINE)
EDGE = re.compile(r'^\s*"(\w+)" -> "(\w+)"', re.MULTILINE)


def compile_graph(path, name: str) -> Graph:
    return run(read_source(path), [name]).graphs[0]


@pytest.fixture(scope="module")
def lecture_g() -> Graph:
    # f(x1, x2) = ln(x1) + x1*x2 - sin(x2), the lecture's traced example
    return compile_graph(EXAMPLES / "lecture.py", "g")


@pytest.fixture(scope="module")
def lab_net() -> Graph:
    return compile_graph(EXAMPLES / "lab7" / "net_scalar.py", "net")


def test_dot_has_the_lecture_nodes_named_as_in_the_code(lecture_g):
    nodes = dict(NODE.findall(to_dot(lecture_g)))
    assert nodes == {
        "x1": "x1",
        "x2": "x2",
        "n3": r"n3\nlog",
        "n4": r"n4\nmul",
        "n5": r"n5\nadd",
        "n6": r"n6\nsin",
        "n7": r"n7\nsub",
    }


def test_dot_has_the_lecture_edges_in_the_direction_of_data_flow(lecture_g):
    edges = EDGE.findall(to_dot(lecture_g))
    assert sorted(edges) == sorted(
        [
            ("x1", "n3"),
            ("x1", "n4"),
            ("x2", "n4"),
            ("n3", "n5"),
            ("n4", "n5"),
            ("x2", "n6"),
            ("n5", "n7"),
            ("n6", "n7"),
        ]
    )


def test_dot_marks_inputs_and_output(lecture_g):
    dot = to_dot(lecture_g)
    assert dot.startswith('digraph "g" {\n  rankdir=LR;')
    lines = {
        m.group(1): m.group(0) for m in re.finditer(r'^\s*"(\w+)" \[.*$', dot, re.M)
    }
    assert "shape=ellipse" in lines["x1"] and "shape=ellipse" in lines["x2"]
    assert "peripheries=2" in lines["n7"]
    assert sum("peripheries=2" in line for line in lines.values()) == 1


def test_dot_is_deterministic(lecture_g):
    again = compile_graph(EXAMPLES / "lecture.py", "g")
    assert to_dot(lecture_g) == to_dot(lecture_g) == to_dot(again)


def test_dot_folds_constants_and_greys_inactive_inputs(lab_net):
    dot = to_dot(lab_net)
    nodes = dict(NODE.findall(dot))
    assert nodes["h1"] == r"h1\nmaximum(·, 0)"
    assert len(nodes) == 15 + 21  # 15 inputs, 21 operations
    assert len(EDGE.findall(dot)) == 18 * 2 + 3  # mul/add read two, ReLU one
    w11 = next(line for line in dot.splitlines() if line.startswith('  "w11" ['))
    assert "#9e9e9e" in w11  # not differentiated: net is wrt x1, x2


def test_dot_file_is_the_dot_text(lecture_g, tmp_path):
    path = tmp_path / "g.dot"
    render(lecture_g, str(path))
    assert path.read_text() == to_dot(lecture_g)


def test_png_is_written(lecture_g, tmp_path):
    import matplotlib.image as image

    path = tmp_path / "g.png"
    render(lecture_g, str(path))
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    height, width = image.imread(path).shape[:2]
    assert height > 200 and width > 200
    assert [p.name for p in tmp_path.iterdir()] == ["g.png"]  # no temporary left


def test_png_is_byte_stable(lecture_g, tmp_path):
    render(lecture_g, tmp_path / "a.png")
    render(lecture_g, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_svg_is_written(lecture_g, tmp_path):
    path = tmp_path / "g.svg"
    render(lecture_g, str(path))
    text = path.read_text()
    assert "<svg" in text and text.rstrip().endswith("</svg>")


def test_lab_network_renders(lab_net, tmp_path):
    import matplotlib.image as image

    path = tmp_path / "net.png"
    render(lab_net, path)
    height, width = image.imread(path).shape[:2]
    assert width > height > 200


def test_unknown_extension_is_refused(lecture_g, tmp_path):
    with pytest.raises(InputFileError, match=r"\.dot, \.png, \.svg, \.pdf"):
        render(lecture_g, str(tmp_path / "g.jpg"))
    assert list(tmp_path.iterdir()) == []
