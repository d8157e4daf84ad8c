"""Comparison rows: the registry and the closed-form bounds."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
from hypothesis import given

from bounds.report.compare import ComparisonRow, compare, comparison_row
from bounds.testing import epsilons, thresholds


@given(epsilons(min_value=Fraction(1, 10**12), max_value=Fraction(1, 2)), thresholds(max_exponent=12))
def test_rows_are_exact_closed_forms(epsilon: Fraction, threshold: Fraction) -> None:
    rows = {row.label: row.budget for row in compare(epsilon, threshold)}
    assert rows["any dependence (Frechet worst case)"] == math.floor((1 - threshold) / epsilon)
    with mpmath.workdps(80):
        upper = mpmath.floor(-mpmath.log(mpmath.mpf(threshold.numerator) / threshold.denominator)
                             / (mpmath.mpf(epsilon.numerator) / epsilon.denominator))
    assert rows["sandwich upper floor(ln(1/T)/eps)"] == int(upper)
    assert rows["sandwich lower floor((1-T)/eps)"] <= rows["independent"] <= rows["sandwich upper floor(ln(1/T)/eps)"]


def test_zero_rate_is_unbounded_everywhere() -> None:
    assert all(row.budget is None for row in compare(0, "0.5"))


def test_registry_accepts_new_rows_and_options() -> None:
    @comparison_row
    def doubled(epsilon: Fraction, threshold: Fraction, options: dict) -> ComparisonRow | None:
        if "factor" not in options:
            return None
        return ComparisonRow("test row", options["factor"], "bound", "test")

    try:
        assert "test row" not in [row.label for row in compare("0.1", "0.5")]
        assert [row.budget for row in compare("0.1", "0.5", factor=7) if row.label == "test row"] == [7]
    finally:
        import bounds.report.compare as module

        module._ROWS.remove(doubled)


def test_the_library_registers_its_rows_without_the_cli() -> None:
    # issue 10: compare() returned 7 rows before `import bounds.cli` and 9 after
    import subprocess
    import sys

    script = (
        "from bounds.report.compare import compare\n"
        "before = [row.label for row in compare('0.001', '0.605', rho='0.01', mass='0.001')]\n"
        "import bounds.cli\n"
        "after = [row.label for row in compare('0.001', '0.605', rho='0.01', mass='0.001')]\n"
        "assert before == after, (before, after)\n"
        "print(len(before))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert output.stdout.split() == ["9"]


def test_library_rows_with_rho_and_mass() -> None:
    rows = {row.label: row.budget for row in compare("0.001", "0.605", rho="0.01", mass="0.001")}
    assert rows["beta-mixture (rho=0.01)"] == 15667
    assert rows["persistent floor delta = 0.001"] == rows["cap floor(ln T/ln(1-delta))"] == 502
    assert "any dependence, pairwise rho=0.01: guaranteed" in rows
