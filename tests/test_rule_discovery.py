"""Rule discovery, the step after parse (adgen/custom_discovery.py).

Parse yields the file's names only; ``read_rules`` adds the functions with a
user's rule, from the model and from the modules next to it that it imports.
"""

import ast
import textwrap
from pathlib import Path

from adgen.custom_discovery import read_rules
from adgen.errors import SourceFile
from adgen.parse import parse_module, read_source
from adgen.pipeline import compile_source

MODEL = """
    import adgen
    import numpy as np
    import mylib


    def softplus(x):
        return np.logaddexp(0.0, x)


    @adgen.defvjp(softplus)
    def softplus_vjp(g, ans, x):
        return g / (1.0 + np.exp(-x))


    def loss(x):
        return np.sum(softplus(x) + mylib.double(x) + np.cbrt(x))
"""

# imports the model back: the cycle is cut, each file is read once
MYLIB = """
    import adgen
    import numpy as np
    import model


    def double(x):
        return 2.0 * x


    @adgen.defvjp(double)
    def double_vjp(g, ans, x):
        return 2.0 * g


    @adgen.defvjp(np.cbrt)
    def cbrt_vjp(g, ans, x):
        return g / (3.0 * ans * ans)
"""


def write(folder: Path) -> Path:
    for name, text in {"model.py": MODEL, "mylib.py": MYLIB}.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder / "model.py"


def test_parse_reads_no_rules_and_discovery_leaves_the_parse_result_alone(tmp_path):
    parsed = parse_module(read_source(write(tmp_path)))
    assert parsed.custom == {} and parsed.rule_functions == set()
    module = read_rules(parsed)
    assert set(module.custom) == {"softplus", "mylib.double", "numpy.cbrt"}
    assert module.rule_functions == {"softplus_vjp"}
    assert parsed.custom == {} and parsed.rule_functions == set()
    assert module.functions is parsed.functions  # the rest is the parse result


def test_rules_across_an_import_cycle_reach_the_generated_code(tmp_path):
    code = compile_source(read_source(write(tmp_path)))
    assert "/ (3.0 * " in code and "+ 2.0 * " in code  # both sibling rules inlined
    assert "def grad_loss(" in code and "softplus_vjp" not in code


def test_a_file_without_rules_discovers_none():
    text = "import numpy as np\n\ndef f(x):\n    return np.sin(x)\n"
    module = read_rules(parse_module(SourceFile("m.py", text)))
    assert module.custom == {} and module.rule_functions == set()


def test_the_front_end_imports_no_later_stage():
    """parse.py, parsed.py and bindings.py sit below rule discovery and custom.py."""
    adgen = Path(__file__).parent.parent / "adgen"
    for name in ("parse.py", "parsed.py", "bindings.py"):
        tree = ast.parse((adgen / name).read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level
        }
        assert not {m for m in imported if m and m.startswith("custom")}, name
        assert "parse" not in imported or name == "parse.py", name
