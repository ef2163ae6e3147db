"""The wheel a user installs carries the license notice, the typing marker and one version."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import adgen

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_has_license_types_and_the_version(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
         "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("adgen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "adgen/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert f"Version: {adgen.__version__}\n" in text  # pyproject reads _version.py
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
