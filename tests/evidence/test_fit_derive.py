"""Derivations of the fits: the numbers shown are the API's (and the closed forms'); LaTeX compiles cleanly."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import bounds
from bounds.evidence.crow_amsaa import crow_amsaa
from bounds.evidence.fit import fit, fit_family
from bounds.evidence.fit_data import GenerationData
from bounds.report.latex import latex_number
from tests.timeline.test_derive_timeline import assert_typeset, compile_and_read

DATA = GenerationData.from_rows([(1, 2000, 40), (2, 2000, 21), (3, 2000, 9), (4, 2000, 6)])
NIST_APR452 = [5, 40, 43, 175, 389, 712, 747, 795, 1299, 1478]


def test_fitted_schedule_derivation_shows_the_api_numbers() -> None:
    result = fit_family(DATA, "geometric", confidence="0.95", threshold="0.95")
    derivation = bounds.derive(result)
    values = derivation.values
    assert values["parameters"] == result.parameters and values["aic"] == result.aic
    assert (values["budget_mle"], values["budget_conservative"]) == (None, result.budget_conservative.n) == (None, 2)
    text = derivation.to_latex()
    for value in (*result.parameters.values(), result.log_likelihood, result.aic, result.cut):
        assert latex_number(value, 6) in text
    # the chi-square cut is the closed form -2 ln(1 - C) for p = 2
    assert result.cut == pytest.approx(-2 * math.log(0.05), rel=1e-12)
    assert "\\chi^2_{2}(0.95) &= 5.99146" in text
    low, high = result.region["ratio"]
    assert f"r &\\in [{latex_number(low, 6)},\\ {latex_number(high, 6)}]" in text
    assert "N^{*}_{\\mathrm{cons}} &= 2" in text and "N^{*}_{\\hat\\theta} &= \\infty" in text
    # the AIC line substitutes the API's log-likelihood: 2p - 2 l = AIC
    assert result.aic == pytest.approx(2 * 2 - 2 * result.log_likelihood, rel=1e-15)


def test_report_derivation_adds_model_choice_and_trend() -> None:
    report = fit(DATA, "auto", threshold="0.95")
    derivation = bounds.derive(report)
    text = derivation.to_latex()
    assert derivation.values["trend_p_value"] == report.trend_p_value
    assert derivation.values["aic_by_family"] == {c.family: c.aic for c in report.candidates}
    for candidate in report.candidates:
        assert f"\\mathrm{{AIC}}_{{\\text{{{candidate.family}}}}} &= {latex_number(candidate.aic, 6)}" in text
    assert latex_number(report.trend_statistic, 6) in text
    assert [step.label for step in derivation.steps][-3:] == ["Model choice", "Trend", "Result"]


def test_crow_amsaa_derivation_is_the_closed_form_on_the_nist_example() -> None:
    result = crow_amsaa(NIST_APR452, end=1500)
    n, total = len(NIST_APR452), sum(math.log(1500 / t) for t in NIST_APR452)
    beta, lam = n / total, n / 1500 ** (n / total)
    text = bounds.derive(result).to_latex()
    assert f"\\frac{{10}}{{{latex_number(total, 6)}}} = {latex_number(beta, 6)}" in text
    assert f"= {latex_number(lam, 6)}" in text and "0.537229" in text and "0.196658" in text
    assert "\\bar\\beta &= \\frac{n - 1}{n}\\hat\\beta = 0.483506" in text  # NIST's b
    assert "\\frac{T}{n \\bar\\beta} = 310.234" in text  # NIST's MTBF
    low, high = result.beta_bounds
    assert latex_number(low, 6) in text and latex_number(high, 6) in text


def test_fit_derivations_compile(tmp_path: Path) -> None:
    subjects = [fit(DATA, "auto", threshold="0.95"), fit_family(DATA, "logistic", threshold="0.95"),
                crow_amsaa(NIST_APR452, end=1500), crow_amsaa(NIST_APR452)]
    for index, subject in enumerate(subjects):
        folder = tmp_path / str(index)
        folder.mkdir()
        assert_typeset(*compile_and_read(bounds.derive(subject), folder))


def test_cli_fit_writes_the_derivation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bounds.cli import main

    data, times = tmp_path / "d.csv", tmp_path / "t.txt"
    data.write_text("generation,trials,failures\n1,2000,40\n2,2000,21\n3,2000,9\n4,2000,6\n")
    times.write_text("\n".join(map(str, NIST_APR452)))
    assert main(["fit", "--data", str(data), "-T", "0.95", "--derive", str(tmp_path / "f.md")]) == 0
    assert "Conservative budget" in (tmp_path / "f.md").read_text()
    assert main(["fit", "--times", str(times), "--end", "1500", "--derive", str(tmp_path / "c.tex")]) == 0
    assert "\\documentclass" in (tmp_path / "c.tex").read_text() and "0.483506" in (tmp_path / "c.tex").read_text()
    capsys.readouterr()
