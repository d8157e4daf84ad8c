"""Derivations of the timeline results: the numbers are the API's, checked against closed forms; LaTeX compiles."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

import bounds
from bounds import Geometric, Independent, PersistentUnsafe
from bounds.report.latex import latex_number
from bounds.timeline import (
    ConstantCadence,
    DoublingCadence,
    ExplicitCadence,
    GeometricCadence,
    StartDistribution,
    aligned_probability,
    horizon,
    parse_month,
)
from tests._tools import require

SEED = GeometricCadence(first=12, ratio="0.8")




def compile_and_read(derivation: bounds.Derivation, folder: Path) -> tuple[str, str]:
    """``(pdflatex log, text of the PDF)`` of the derivation's standalone document."""
    tex = folder / "derivation.tex"
    tex.write_text(derivation.to_document(), encoding="utf-8")
    done = subprocess.run([require("pdflatex"), "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape",
                           tex.name], cwd=folder, capture_output=True, timeout=300, check=False)
    log = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, log[-2000:]
    text = subprocess.run([require("pdftotext"), "derivation.pdf", "-"], cwd=folder, capture_output=True,
                          check=True).stdout.decode("utf-8", "replace")
    return log, text


def assert_typeset(log: str, text: str) -> None:
    assert "Overfull \\hbox" not in log
    for ascii_maths in ("epsilon", "infinity", "^(", "inf ", "\\"):
        assert ascii_maths not in text.lower()


def test_seed_horizon_derivation_carries_the_api_numbers() -> None:
    result = horizon(Independent(epsilon="0.001"), SEED, "0.605")
    derivation = bounds.derive(result)
    values = derivation.values
    assert (values["budget"], values["generation"], values["months"], values["zeno"]) == (502, 503, result.months, 60)
    # Z - t_503 = 60 * 0.8^503 exactly; the derivation shows it to 6 figures
    gap = Fraction(60) * Fraction(4, 5) ** 503
    assert values["months_before_zeno"] == float(gap) == float(result.zeno - result.months_exact)
    with mpmath.workdps(30):
        shown = latex_number(mpmath.mpf(60) * mpmath.mpf("0.8") ** 503, 6)
    text = derivation.to_latex()
    assert shown in text and "1.07749 \\times 10^{-47}" in text
    assert "t_{503} &= 60 \\left(1 - 0.8^{503}\\right) \\approx 60" in text  # a float rounds 60 - 1e-47
    assert "Z &= \\lim_{k \\to \\infty} t_k = \\frac{\\Delta_1}{1 - r} = \\frac{12}{1 - 0.8} = 60" in text
    assert "S(N^{*}) &= S(502)" in text


def test_unbounded_horizon_and_the_floor_that_makes_it_finite() -> None:
    improving = horizon(Geometric(epsilon1="0.01", ratio="0.5"), SEED, "0.9")
    text = bounds.derive(improving).to_latex()
    assert bounds.derive(improving).values["generation"] is None and "t_{N^* + 1} &= \\infty" in text
    floored = horizon(PersistentUnsafe(Geometric(epsilon1="0.01", ratio="0.5"), mass="0.001"), SEED, "0.9")
    derivation = bounds.derive(floored)
    assert derivation.values["generation"] == floored.generation == floored.budget.n + 1 == 91
    assert f"t_{{{floored.generation}}}" in derivation.to_latex()


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        (ConstantCadence(interval="0.1"), "t_{503} &= 0.1 \\cdot 503 = 50.3"),  # exact: 503/10
        (ExplicitCadence(intervals=("12", "9", "6")), "t_{503} &= 3027"),  # 27 + 500 * 6
        (GeometricCadence(first=12, ratio="1.1"), "\\frac{r^k - 1}{r - 1}"),
    ],
)
def test_each_cadence_shows_its_completion_time(cadence: object, expected: str) -> None:
    result = horizon(Independent(epsilon="0.001"), cadence, "0.605")
    assert result.generation == 503 and expected in bounds.derive(result).to_latex()


def test_doubling_completion_time_is_the_closed_form() -> None:
    result = horizon(Independent(epsilon="0.001"), DoublingCadence(first=12, doubling=7), "0.605")
    with mpmath.workdps(40):
        t = 7 * mpmath.log(1 + 503 * 12 * mpmath.ln2 / 7) / mpmath.ln2
    assert result.months == pytest.approx(float(t), rel=1e-15)
    assert f"\\approx {latex_number(float(t), 6)}" in bounds.derive(result).to_latex()


def test_aligned_probability_derivation_carries_the_api_numbers() -> None:
    start = StartDistribution.from_text("2027-12:0.3,2028-12:0.6")
    p = aligned_probability(Independent(epsilon="0.001"), SEED, start, parse_month("2032-12"))
    derivation = bounds.derive(p)
    assert derivation.values["probability"] == p.value and derivation.values["not_started"] == 0.4
    text = derivation.to_latex()
    assert f"P(t) &= {latex_number(p.value, 6)}" in text and "1 - F(t) &= 0.4" in text
    assert "F(\\text{2027-12}) &= 0.3" in text


def test_derivations_compile_without_overfull_boxes_or_ascii_maths(tmp_path: Path) -> None:
    start = StartDistribution.from_text("2027-12:0.3,2028-12:0.6")
    for index, subject in enumerate([
        horizon(Independent(epsilon="0.001"), SEED, "0.605"),
        horizon(Geometric(epsilon1="0.01", ratio="0.5"), SEED, "0.9"),
        horizon(Independent(epsilon="0.001"), DoublingCadence(first=12, doubling=7), "0.605"),
        aligned_probability(Independent(epsilon="0.001"), SEED, start, parse_month("2032-12")),
    ]):
        folder = tmp_path / str(index)
        folder.mkdir()
        assert_typeset(*compile_and_read(bounds.derive(subject), folder))


def test_cli_writes_the_derivation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bounds.cli import main

    out = tmp_path / "horizon.md"
    argv = ["timeline", "--epsilon", "0.001", "-T", "0.605", "--first-interval", "12", "--acceleration", "0.8"]
    assert main([*argv, "--derive", str(out), "--json"]) == 0
    assert '"format": "markdown"' in capsys.readouterr().out
    assert "t_{503}" in out.read_text() and "S(N^{*}) &= S(502)" in out.read_text()
    assert main([*argv, "--derive", str(tmp_path / "horizon.txt")]) == 2
    assert "must end in .tex, .pdf or .md" in capsys.readouterr().err


def test_bounds_derive_with_a_cadence_derives_the_horizon(capsys: pytest.CaptureFixture[str]) -> None:
    from bounds.cli import main

    argv = ["derive", "--epsilon", "0.001", "-T", "0.605", "--format", "markdown"]
    assert main([*argv, "--first-interval", "12", "--acceleration", "0.8"]) == 0
    out = capsys.readouterr().out
    assert "Zeno limit" in out and "t_{N^* + 1} &= t_{503}" in out
    assert main(argv) == 0 and "Zeno" not in capsys.readouterr().out  # without a cadence: the budget
    assert main([*argv, "--doubling-time", "7"]) == 2
    assert "need --first-interval" in capsys.readouterr().err
