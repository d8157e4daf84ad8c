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


# -- oversight and control rows (issue 13) against closed forms ------------------------------------------------

def _independent_budget(rate: Fraction, threshold: Fraction) -> int:
    """``floor(ln T / ln(1 - rate))`` at 60 digits, refusing a value too close to an integer to call."""
    with mpmath.workdps(60):
        value = mpmath.log(mpmath.mpf(threshold.numerator) / threshold.denominator) / mpmath.log1p(
            -mpmath.mpf(rate.numerator) / rate.denominator)
        assert abs(value - mpmath.nint(value)) > mpmath.mpf(10) ** -30
        return int(mpmath.floor(value))


def _rows(*args: object, **options: object) -> dict[str, int | None]:
    return {row.label: row.budget for row in compare(*args, **options)}


def test_oversight_rows_against_closed_forms() -> None:
    d, q, beta, rho, target = Fraction(1, 1000), Fraction(1, 10), Fraction(1, 10), Fraction(1, 2), Fraction(605, 1000)
    rows = _rows(d, target, miss="0.1", monitors=3, monitor_beta="0.1", monitor_rho="0.5")
    # independent 1-of-3: M = q^3 (the 0.001 exactly)
    assert rows["oversight 1-of-3, independent monitors"] == _independent_budget(d * q**3, target)
    # beta-factor, exact: a common cause with probability beta q, else three independent misses of (1 - beta) q
    p = (1 - beta) * q
    assert rows["oversight 1-of-3, beta-factor beta=0.1"] == _independent_budget(d * (beta * q + (1 - beta * q) * p**3),
                                                                                target)
    # exchangeable (Eckhardt-Lee): M = B(a + 3, b) / B(a, b) = a(a+1)(a+2) / ((a+b)(a+b+1)(a+b+2))
    a, b = q * (1 / rho - 1), (1 - q) * (1 / rho - 1)
    moment = a * (a + 1) * (a + 2) / ((a + b) * (a + b + 1) * (a + b + 2))
    assert moment == Fraction(77, 2000)
    assert rows["oversight 1-of-3, shared difficulty rho=0.5 (n_eff=1.5)"] == _independent_budget(d * moment, target)
    # any dependence, 1-of-n (Frechet): M in [max(0, 3q - 2), min q] = [0, q]
    assert rows["oversight 1-of-3, any dependence: guaranteed"] == _independent_budget(d * q, target)
    assert rows["oversight 1-of-3, any dependence: possible"] is None
    # shared blind spots only ever cost budget here: independent > beta-factor, exchangeable > any (guaranteed)
    assert (
        rows["oversight 1-of-3, independent monitors"]
        > rows["oversight 1-of-3, beta-factor beta=0.1"]
        > rows["oversight 1-of-3, shared difficulty rho=0.5 (n_eff=1.5)"]
        > rows["oversight 1-of-3, any dependence: guaranteed"]
    )


def test_beta_factor_rows_follow_iec_61508_6_forms() -> None:
    # IEC 61508-6 Annex D per demand: 1oo2 M = ((1-beta) q)^2 + beta q, 2oo3 M = 3((1-beta) q)^2 + beta q (leading
    # terms); the exact model adds terms of order beta q p^2 and p^3, p = (1 - beta) q
    d, q, beta, target = Fraction(1, 100), Fraction(1, 100), Fraction(1, 20), Fraction(9, 10)
    p = (1 - beta) * q
    for vote, monitors, iec, exact_miss in (
        (1, 2, p**2 + beta * q, beta * q + (1 - beta * q) * p**2),
        (2, 3, 3 * p**2 + beta * q, beta * q + (1 - beta * q) * (3 * p**2 * (1 - p) + p**3)),
    ):
        rows = _rows(d, target, miss=q, monitors=monitors, vote=vote, monitor_beta=beta)
        budget = rows[f"oversight {vote}-of-{monitors}, beta-factor beta=0.05"]
        assert budget == _independent_budget(d * exact_miss, target)
        assert abs(exact_miss - iec) <= 2 * beta * q * p**2 + 3 * p**3  # the dropped terms
        assert abs(budget - _independent_budget(d * iec, target)) <= budget * 3 * q


def test_oversight_rows_appear_only_with_monitors_and_name_missing_game_options() -> None:
    import pytest

    from bounds.errors import ParameterError

    assert not any(label.startswith(("oversight", "control")) for label in _rows("0.001", "0.605", rho="0.01"))
    with pytest.raises(ParameterError, match="attack_success"):
        compare("0.01", "0.7", audit_budget="0.05", roc=("3", "1"))


def _game_survival(epsilon: mpmath.mpf, p: mpmath.mpf, c: mpmath.mpf, lost: mpmath.mpf, n: int) -> list[mpmath.mpf]:
    """``S(0..n)`` of aligned -> misaligned (rate eps) -> the game, by the Markov chain's forward recursion."""
    aligned, misaligned, unsafe, out = mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(0), [mpmath.mpf(1)]
    for _ in range(n):
        unsafe += misaligned * p * lost
        aligned, misaligned = aligned * (1 - epsilon), aligned * epsilon + misaligned * (1 - p * (c + lost))
        out.append(1 - unsafe)
    return out


def test_control_rows_against_the_chain_recursion() -> None:
    options = dict(audit_budget="0.05", roc=("3", "1"), attack_success="0.5", auditor_accuracy="0.9",
                   attack_rate="0.01")
    rows = _rows("0.01", "0.7", **options)
    with mpmath.workdps(50):
        f = mpmath.mpf("0.05")
        tpr = 1 / (1 + mpmath.exp(-(3 + mpmath.log(f / (1 - f)))))
        c, lost = tpr * mpmath.mpf("0.9"), (1 - tpr * mpmath.mpf("0.9")) * mpmath.mpf("0.5")
        for label, p in (("control game, audit budget f=0.05, attack rate p=0.01", mpmath.mpf("0.01")),
                         ("control game, worst-case attack rate p=1", mpmath.mpf(1))):
            survival = _game_survival(mpmath.mpf("0.01"), p, c, lost, 2000)
            expected = max(n for n, s in enumerate(survival) if s >= mpmath.mpf("0.7"))
            assert expected < 2000 and rows[label] == expected
    worst, given = "control game, worst-case attack rate p=1", "control game, audit budget f=0.05, attack rate p=0.01"
    assert rows[worst] < rows[given]


def test_every_library_row_is_typeset_for_documents(tmp_path) -> None:
    """Reports and derivations show ``row.prose()``: maths in ``$...$``, no ASCII maths, valid LaTeX."""
    import re

    from bounds.report.latex import text_to_latex
    from tests.report.test_latex import compiles

    rows = compare("0.001", "0.605", rho="0.01", mass="0.0001", miss=["0.1"], monitors=3, vote=1,
                   monitor_beta="0.1", monitor_rho="0.5", audit_budget="0.05", roc=("3", "1"),
                   attack_success="0.5", auditor_accuracy="0.9", attack_rate="0.01")
    assert len(rows) == 16  # every registered kind of row, once
    for row in rows:
        for text in row.prose():
            plain = re.sub(r"\$[^$]*\$", "", text)  # the prose outside the maths
            for ascii_maths in ("eps", ">=", "<=", "rho=", "beta=", "delta", "floor(", "^", "inf"):
                assert ascii_maths not in plain, (row.label, text)
    body = "\n\n".join(f"{text_to_latex(label)}: {text_to_latex(assumption)}" for label, assumption in
                       (row.prose() for row in rows))
    tex = tmp_path / "rows.tex"
    tex.write_text("\\documentclass{article}\\usepackage{amsmath,amssymb}\\begin{document}\n" + body
                   + "\n\\end{document}\n", encoding="utf-8")
    assert compiles(tex).returncode == 0
