"""Derivations of results that are not models: evidence bounds and dependence-free intervals."""

from __future__ import annotations

from pathlib import Path

import pytest

import bounds
from bounds.report.latex import document, latex_number, markdown
from tests.report.test_latex import compiles


def test_evidence_derivation_shows_the_api_numbers(tmp_path: Path) -> None:
    evidence = bounds.from_evidence(failures=0, trials=1000, confidence="0.95", threshold="0.9")
    derivation = bounds.derive(evidence)
    assert derivation.values["epsilon_upper"] == evidence.epsilon_upper
    assert derivation.values["budget"] == evidence.budget.n == 35  # reference: evidence.json
    tex = document(derivation)
    assert "N^{*} &= 35" in tex
    assert latex_number(evidence.epsilon_upper) in tex
    assert "0.00299125" in markdown(derivation)
    (tmp_path / "evidence.tex").write_text(tex)
    completed = compiles(tmp_path / "evidence.tex")
    assert completed.returncode == 0, completed.stdout[-2000:]


def test_evidence_without_threshold_derives_the_bound_only() -> None:
    derivation = bounds.derive(bounds.from_evidence(failures=3, trials=10_000, confidence="0.95"))
    assert "budget" not in derivation.values
    assert derivation.values["epsilon_upper"] == pytest.approx(0.000775181379010099847752758199436, rel=1e-12)


def test_interval_derivation_shows_the_api_numbers(tmp_path: Path) -> None:
    interval = bounds.dependence_free("0.001", 500, rho="0.05")
    derivation = bounds.derive(interval)
    assert derivation.values["survival_lower"] == interval.lower
    assert derivation.values["survival_upper"] == interval.upper
    tex = document(derivation)
    # reference (dependence.json): S(500) in [0.52542405, 0.981071260683760...]
    assert latex_number(interval.lower, 6) in tex and latex_number(interval.upper, 6) in tex
    assert "Kwerel" in tex and "Dawson" in tex
    (tmp_path / "interval.tex").write_text(tex)
    completed = compiles(tmp_path / "interval.tex")
    assert completed.returncode == 0, completed.stdout[-2000:]


def test_unregistered_results_are_refused() -> None:
    with pytest.raises(bounds.BoundsError, match="cannot derive object"):
        bounds.derive(object())
