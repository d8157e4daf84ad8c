"""Gates that catch real bugs: ruff (E, F, B, I, PLW, UP) and mypy over the package.

They need the ``dev`` extra; locally they skip when the tool is missing, in CI
(``CI`` set) a missing tool is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _require(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is required in CI (pip install -e '.[dev]')")
        pytest.skip(f"{module} not installed (dev extra)")


def test_ruff_is_clean() -> None:
    _require("ruff")
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "bounds", "tests", "bench", "proofs"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_mypy_is_clean() -> None:
    _require("mypy")
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "bounds"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_reference_copies_match_shared() -> None:
    # tests/data/reference is a copy of ../shared/reference so the repository tests stand alone
    shared = ROOT.parent / "shared" / "reference"
    if not shared.is_dir():
        pytest.skip("../shared/reference is not beside this checkout")
    for original in sorted(shared.glob("*.json")):
        copy = ROOT / "tests" / "data" / "reference" / original.name
        assert copy.read_bytes() == original.read_bytes(), original.name


def test_version_has_one_source() -> None:
    import bounds

    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'version = { attr = "bounds.__version__" }' in pyproject
    assert bounds.__version__
