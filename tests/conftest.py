"""Shared fixtures: paths, and a helper that compiles model text written in a test."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def compile_text(tmp_path):
    """compile_text(source, name="model", **options) -> the generated module, imported."""
    from adgen.errors import SourceFile
    from adgen.pipeline import compile_source

    def run(source: str, name: str = "model", functions=None, wrt=None) -> ModuleType:
        text = textwrap.dedent(source)
        code = compile_source(SourceFile(f"{name}.py", text), functions, wrt)
        path = tmp_path / f"{name}_grad.py"
        path.write_text(code)
        spec = importlib.util.spec_from_file_location(f"{name}_grad_{id(path)}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.__source__ = code
        return module

    return run


@pytest.fixture
def lab_path():
    sys.path.insert(0, str(EXAMPLES / "lab7"))
    yield EXAMPLES / "lab7"
    sys.path.remove(str(EXAMPLES / "lab7"))
