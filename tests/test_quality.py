"""Gates that catch real bugs: ruff (E, F, B, I, PLW, UP) and mypy over the package.

They run wherever the ``dev`` extra is installed. Which extras were installed is not recorded
anywhere, so the rule is: when every other requirement of ``dev`` (pyproject.toml, with its
nested ``alignment-bounds[...]`` extras expanded) is installed, ``dev`` counts as installed and a
missing ruff or mypy is a failure, not a skip. Without the ``dev`` extra (a minimal ``test``
install) they skip, except in CI (``CI`` set), where a missing tool always fails.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GATES = ("ruff", "mypy")


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement.strip())
    assert match, requirement
    return match.group(0).lower()


def dev_requirements() -> set[str]:
    """Distribution names the ``dev`` extra installs, nested extras of this package expanded."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras: dict[str, list[str]] = project["optional-dependencies"]
    names: set[str] = set()
    pending, seen = ["dev"], set()
    while pending:
        extra = pending.pop()
        seen.add(extra)
        for requirement in extras[extra]:
            name = _requirement_name(requirement)
            if name == project["name"]:
                nested = re.search(r"\[(.*)\]", requirement)
                pending += [item.strip() for item in nested.group(1).split(",")] if nested else []
                pending = [item for item in pending if item not in seen]
            else:
                names.add(name)
    return names


def _installed(name: str) -> bool:
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def dev_extra_installed() -> bool:
    """Whether every requirement of ``dev`` other than the gates themselves is installed."""
    return all(_installed(name) for name in dev_requirements() - set(GATES))


def _require(module: str) -> None:
    if _installed(module) and importlib.util.find_spec(module) is not None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{module} is required in CI (pip install -e '.[dev]')")
    if dev_extra_installed():
        pytest.fail(f"the dev extra is installed but {module} is not: pip install -e '.[dev]'")
    pytest.skip(f"{module} not installed (dev extra)")


def test_dev_requirements_are_read_from_pyproject() -> None:
    names = dev_requirements()
    assert {"ruff", "mypy", "pytest", "hypothesis", "matplotlib", "sphinx", "pandas", "dask"} <= names


def test_a_missing_gate_fails_when_dev_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    # simulate: every dev requirement present except ruff
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys.modules[__name__], "_installed", lambda name: name != "ruff")
    with pytest.raises(pytest.fail.Exception, match="dev extra is installed but ruff is not"):
        _require("ruff")
    monkeypatch.setattr(sys.modules[__name__], "_installed", lambda name: name not in {"ruff", "sphinx"})
    with pytest.raises(pytest.skip.Exception):
        _require("ruff")


def test_ruff_is_clean() -> None:
    _require("ruff")
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "bounds", "tests", "bench", "proofs"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.slow
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
