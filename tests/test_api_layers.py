"""The runtime API's layout: its modules import downward only, and the version is written once."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import adgen
import adgen.api

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "adgen" / "api"

# Bottom first; a module may import only modules of lower layers.
LAYERS = [
    {"decorators", "parameters", "arrays", "reading", "targets"},
    {"freshness"},
    {"cache"},
    {"specialized"},
    {"reverse_mode", "forward_mode", "display"},
    {"derivatives"},
    {"dispatch"},
]


def _layer(module: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if module in names)


def _sibling_imports(path: Path) -> set[str]:
    """The modules of adgen/api that ``path`` imports (``from .x import``), anywhere in it."""
    tree = ast.parse(path.read_text())
    return {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
        for alias in node.names
    }


def test_every_api_module_has_a_layer():
    modules = {p.stem for p in API.glob("*.py")} - {"__init__"}
    assert modules == set().union(*LAYERS)


@pytest.mark.parametrize("module", sorted(set().union(*LAYERS)))
def test_api_modules_import_only_lower_layers(module):
    imported = _sibling_imports(API / f"{module}.py")
    upward = {m for m in imported if _layer(m) >= _layer(module)}
    assert not upward, f"adgen/api/{module}.py imports {upward} of its layer or above"


@pytest.mark.parametrize("module", sorted(set().union(*LAYERS)))
def test_api_modules_do_not_import_the_packages_above_them(module):
    """``from . import x`` or ``from .. import x`` would go through adgen or adgen.api."""
    tree = ast.parse((API / f"{module}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 2:
            assert node.module, f"adgen/api/{module}.py imports from adgen itself"


def test_public_names_are_the_same_functions_everywhere():
    for name in ("grad", "value_and_grad", "vjp", "source", "jvp", "hessian"):
        assert getattr(adgen, name) is getattr(adgen.api, name)
    for name in ("jacobian", "hvp", "wrt", "shapes", "defvjp", "defjvp"):
        assert getattr(adgen, name) is getattr(adgen.api, name)
    assert callable(adgen.api.clear_cache) and callable(adgen.api.gradient_model_of)


def test_version_is_written_once_and_pyproject_reads_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "adgen._version.__version__"
    assert adgen.__version__ == adgen._version.__version__
