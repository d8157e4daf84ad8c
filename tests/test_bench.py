"""The benchmark harness: `bench/run.py --quick` runs every module's correctness checks (no timing)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _harness():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_quick_run_succeeds_and_reports_every_module() -> None:
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| module | name | seconds | baseline | baseline seconds | ratio | notes |"
    modules = {line.split("|")[1].strip() for line in lines[2:] if line.startswith("|")}
    expected = {path.stem.removeprefix("bench_") for path in (ROOT / "bench").glob("bench_*.py")}
    assert modules == expected
    assert not (ROOT / "bench" / "RESULTS.md.tmp").exists()


def test_rows_are_validated() -> None:
    harness = _harness()
    good = {"name": "x", "seconds": 1.0, "baseline": "y", "baseline_seconds": 2.0, "ratio": 2.0, "notes": ""}
    assert harness.check_rows([good], "m") == [good]
    with pytest.raises(KeyError, match="lacks ratio, notes"):
        harness.check_rows([{key: good[key] for key in list(good)[:4]}], "m")
    with pytest.raises(ValueError, match="seconds = nan"):
        harness.check_rows([{**good, "seconds": float("nan")}], "m")
    with pytest.raises(TypeError, match="non-empty list"):
        harness.check_rows([], "m")


def test_results_file_names_the_machine() -> None:
    harness = _harness()
    row = {
        "module": "m",
        "name": "x",
        "seconds": 0.5,
        "baseline": "y",
        "baseline_seconds": 1.0,
        "ratio": 2.0,
        "notes": "n",
    }
    text = harness.results_markdown([row], [])
    for key in ("CPU:", "cores:", "Python:", "numpy:", "date (UTC):"):
        assert key in text
    assert "| m | x | 0.5 | y | 1 | 2x | n |" in text


def test_a_failing_module_is_reported_and_fails_the_run(tmp_path: Path, monkeypatch) -> None:
    harness = _harness()
    broken = tmp_path / "bench_broken.py"
    broken.write_text("def run(quick):\n    assert 1 + 1 == 3, 'wrong budget'\n")
    results, failures = harness.run_all([broken], quick=True)
    assert results == [] and len(failures) == 1 and "wrong budget" in failures[0]
