"""Notebook display: generated code as a highlighted block, graphs inline as SVG."""

from __future__ import annotations

import importlib

import pytest
from conftest import EXAMPLES

import adgen
from adgen.errors import NotSupportedYet
from adgen.notebook import Code, GraphPicture, annotated
from adgen.parse import read_source
from adgen.pipeline import run
from examples.lecture import g

LECTURE = str(EXAMPLES / "lecture.py")


def test_code_is_a_str_that_displays_as_a_python_block():
    code = Code("def f(x):\n    return x\n")
    assert code == "def f(x):\n    return x\n" and isinstance(code, str)
    assert code._repr_markdown_() == "```python\ndef f(x):\n    return x\n\n```"
    fenced = Code('"""```"""\n')  # a fence inside the code needs a longer fence
    assert fenced._repr_markdown_().startswith("````python\n")


def test_graph_picture_draws_inline_svg_with_the_lecture_values():
    stages = run(read_source(LECTURE), ["g"])
    picture = annotated(stages.graphs[0], stages.backwards[0], {"x1": 2, "x2": 5})
    svg = picture._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # each glyph run's text is kept in a comment: the lecture's v5 = sin v2, 1.716
    for label in ("v5  n6", "n6 = -0.959", "x2_bar = 1.716", "x1_bar = 5.5"):
        assert label in svg
    assert '"n5" [label="v6  n5\\nadd\\nn5 = 10.693' in picture.dot()
    plain = GraphPicture(stages.graphs[0])
    assert 'label="n5\\nadd"' in plain.dot() and "<svg" in plain._repr_svg_()


def test_adgen_source_is_code_and_names_itself_in_the_header():
    code = adgen.source(g)
    assert isinstance(code, Code) and code._repr_markdown_().startswith("```python\n")
    # in-memory code points back to adgen.source, not to a file-writing command
    assert "# regenerate with `adgen.source(g)`." in code
    assert "def grad_g(x1, x2):" in code


def test_adgen_graph_labels_the_lecture_values_and_adjoints():
    picture = adgen.graph(g, at={"x1": 2, "x2": 5})
    dot = picture.dot()
    # the lecture's table at (2, 5): v3 = ln 2, v4 = 10, v5 = sin 5, v6, v7
    for value in ("= 0.693", "= 10", "= -0.959", "= 10.693", "= 11.652"):
        assert value in dot
    assert "x1_bar = 5.5" in dot and "x2_bar = 1.716" in dot
    tangents = adgen.graph(g, at={"x1": 2, "x2": 5}, seed="x2").dot()
    assert "x2_dot = 1" in tangents and "x1_dot = 0" in tangents
    assert "<svg" in adgen.graph(g)._repr_svg_()


def test_adgen_graph_refuses_control_flow_with_its_location(tmp_path, monkeypatch):
    model = tmp_path / "branchy.py"
    model.write_text(
        "def f(x):\n    if x > 0:\n        return x * x\n    return -x\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    f = importlib.import_module("branchy").f
    with pytest.raises(NotSupportedYet) as refused:
        adgen.graph(f)
    assert "`adgen.graph` shows straight-line functions" in str(refused.value)
    assert "branchy.py:2" in str(refused.value)
