"""Notebook display: generated code as a highlighted block, graphs inline as SVG."""

from __future__ import annotations

from conftest import EXAMPLES

from adgen.notebook import Code, GraphPicture, annotated
from adgen.parse import read_source
from adgen.pipeline import run

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
