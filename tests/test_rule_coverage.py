"""Every entry of the rule table is exercised by the finite-difference tests.

Adding a primitive means one record in adgen/primitives/ and one test row in
tests/test_rules.py (a model in tests/rules_models/): this test fails until
the row exists.
"""

from __future__ import annotations

from pathlib import Path

from adgen.custom_discovery import read_rules
from adgen.errors import SourceFile
from adgen.ir import all_eqns
from adgen.normalize import normalize
from adgen.parse import parse_module, select_functions
from adgen.primitives import PRIMITIVES

MODELS = Path(__file__).parent / "rules_models"


def test_every_rule_has_a_finite_difference_test():
    used: set[str] = set()
    for path in sorted(MODELS.glob("[!_]*.py")):
        module = read_rules(parse_module(SourceFile(path.name, path.read_text())))
        for fn in select_functions(module, None):
            used |= {eqn.prim for eqn in all_eqns(normalize(module, fn).eqns)}
    rules = {n for n, p in PRIMITIVES.items() if p.differentiable}
    missing = sorted(rules - used)
    assert not missing, f"rules without a test model in tests/rules_models/: {missing}"
