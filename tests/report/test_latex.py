"""LaTeX output: number formatting, escaping, compilation with pdflatex, the ``bounds derive`` command.

Tests that run pdflatex are skipped only when it is absent *and*
``BOUNDS_REQUIRE_LATEX`` is unset; in CI (``BOUNDS_REQUIRE_LATEX=1``) a
missing pdflatex is a failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

import bounds
from bounds import Independent, load_spec
from bounds.cli import main
from bounds.errors import BoundsError
from bounds.report.derive import derive
from bounds.report.latex import (
    compile_pdf,
    escape_text,
    integer_text,
    latex_integer,
    latex_number,
    real_text,
    text_to_latex,
)
from tests._tools import require

SPECS = sorted((Path(__file__).resolve().parents[2] / "examples" / "specs").glob("*.toml"))


def require_pdflatex() -> str:
    return require("pdflatex")


def compiles(tex: Path) -> subprocess.CompletedProcess[bytes]:
    """Compile exactly as the acceptance criterion says: pdflatex -halt-on-error."""
    return subprocess.run(
        [require_pdflatex(), "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape", tex.name],
        cwd=tex.parent, capture_output=True, timeout=300, check=False,
    )


# -- numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (Fraction(1, 10**20), 6, r"1 \times 10^{-20}"),
        (1e-20, 6, r"1 \times 10^{-20}"),
        (Fraction(1, 500), 6, "0.002"),
        (Fraction(999999, 10**6), 6, "0.999999"),
        (Fraction(1, 3), None, r"\tfrac{1}{3}"),
        (Fraction(1, 3), 6, "0.333333"),  # a computed value: digits honoured
        (Fraction(12345, 10**10), 6, r"1.2345 \times 10^{-6}"),
        (mpmath.mpf("6.2e-918556498"), 2, r"6.2 \times 10^{-918556498}"),
        (0.6064256, 4, "0.6064"),
        (0.000123456, 3, "0.000123"),
        (1234567.0, 3, r"1.23 \times 10^{6}"),
        (0.99999999, 3, "0.99999999"),
        (502, 6, "502"),
    ],
)
def test_latex_number(value: object, digits: int, expected: str) -> None:
    assert latex_number(value, digits) == expected


def test_huge_integers_print_every_digit() -> None:
    value = 7**6000  # 5071 digits: beyond Python's default str(int) limit
    text = latex_integer(value)
    digits = text.replace(r"\allowbreak\mskip 0mu plus 18mu{}", "")
    assert digits == integer_text(value)
    assert len(digits) == 5071
    assert int(digits[:30]) == value // 10 ** (5071 - 30)


def test_real_text_keeps_digits_of_high_precision_values() -> None:
    with mpmath.workdps(60):
        value = mpmath.mpf(1) - mpmath.mpf(10) ** -40
        assert real_text(value, 6) == "0.9999999999999999999999999999999999999999"
        assert real_text(mpmath.mpf(2) / 3, 30) == "0.666666666666666666666666666667"


def test_escape_text_makes_any_text_safe() -> None:
    assert escape_text(r"50% & $x_1$ #1 {a} ~ ^ \input") == (
        r"50\% \& \$x\_1\$ \#1 \{a\} \textasciitilde{} \textasciicircum{} \textbackslash{}input"
    )
    assert escape_text("ε̄ ≥ δ, ρ = 0.01") == r"$\varepsilon$$\bar{}$ $\ge$ $\delta$, $\rho$ = 0.01"
    assert escape_text("日") == "[U+65E5]"
    assert text_to_latex("with $N^*$ and 5%") == r"with $N^*$ and 5\%"


# -- compilation ---------------------------------------------------------------------------------------


def test_acceptance_derive_command_writes_a_document_that_compiles(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "d.tex"
    code = main(["derive", "--epsilon", "0.002", "--threshold", "0.605", "--format", "latex",
                 "-o", str(target)])
    assert code == 0
    assert "N* = 251" in capsys.readouterr().out
    text = target.read_text(encoding="utf-8")
    assert "N^{*} &= 251" in text
    completed = compiles(target)
    assert completed.returncode == 0, completed.stdout.decode(errors="replace")[-2000:]
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=[spec.stem for spec in SPECS])
def test_every_example_spec_derivation_compiles(spec: Path, tmp_path: Path) -> None:
    model = load_spec(spec)
    threshold = "0.605"
    budget = model.budget(threshold)
    document = derive(budget).to_document()
    tex = tmp_path / f"{spec.stem}.tex"
    tex.write_text(document, encoding="utf-8")
    completed = compiles(tex)
    assert completed.returncode == 0, completed.stdout.decode(errors="replace")[-2000:]
    shown = "\\infty" if budget.n is None else str(budget.n)
    assert f"N^{{*}} &= {shown}" in document or budget.n is not None and str(budget.n) in document


def test_pdf_output_through_the_api(tmp_path: Path) -> None:
    require_pdflatex()
    target = derive(Independent(epsilon="1e-300"), "0.9").to_pdf(tmp_path / "long.pdf")
    assert target.read_bytes().startswith(b"%PDF")


def test_hostile_text_cannot_break_the_document(tmp_path: Path) -> None:
    require_pdflatex()
    from bounds.report.derive import Derivation, assumption

    steps = [assumption(r"\input{/etc/passwd} \end{document} 100% _ # & ~ ^ { } 日 ε")]
    pdf = compile_pdf(Derivation.from_steps(r"\write18{ls} title", steps).to_document())
    assert pdf.startswith(b"%PDF")


def test_missing_pdflatex_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BoundsError, match="pdflatex was not found on PATH"):
        compile_pdf("\\documentclass{article}\\begin{document}x\\end{document}")


def test_a_broken_document_is_a_clear_error() -> None:
    require_pdflatex()
    with pytest.raises(BoundsError, match="could not compile the document: ! Undefined control sequence"):
        compile_pdf("\\documentclass{article}\\begin{document}\\nosuchmacro\\end{document}")


# -- the CLI ------------------------------------------------------------------------------------------


def test_derive_prints_to_stdout_without_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "--p", "0.999", "--threshold", "0.605"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\\documentclass") and "N^{*} &= 502" in out
    assert main(["derive", "--epsilon", "0.001", "-T", "0.605", "--format", "markdown"]) == 0
    assert "# Certified budget: independent model, T = 0.605" in capsys.readouterr().out
    assert main(["derive", "--epsilon", "0.001", "-T", "0.605", "--fragment"]) == 0
    assert capsys.readouterr().out.startswith("% Certified budget")


def test_derive_from_a_spec_file_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "model.toml"
    spec.write_text('model = "independent"\nepsilon = "0.001"\n')
    assert main(["derive", "--spec", str(spec), "-T", "0.5", "--format", "markdown", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["budget"] == 692 and data["format"] == "markdown"
    assert "N^{*} &= 692" in data["document"]


def test_derive_pdf_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "--epsilon", "0.001", "-T", "0.605", "--format", "pdf"]) == 2
    assert "--format pdf needs --output FILE" in capsys.readouterr().err


def test_derive_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "--epsilon", "1.5", "-T", "0.605"]) == 2
    assert capsys.readouterr().err.strip() == "bounds: error: epsilon must be in [0, 1], got '1.5'"
    assert main(["derive", "--epsilon", "0.1", "-T", "0.5", "-o", str(tmp_path / "missing" / "d.tex")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["derive", "--epsilon", "0.1", "-T", "0.5", "--fragment", "--format", "markdown"]) == 2
    assert "--fragment applies to --format latex only" in capsys.readouterr().err


def test_derive_pdf_writes_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    require_pdflatex()
    target = tmp_path / "d.pdf"
    assert main(["derive", "--epsilon", "0.002", "-T", "0.605", "--format", "pdf", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["d.pdf"]


def test_api_derive_is_exported() -> None:
    assert bounds.derive(bounds.Independent(epsilon="0.1"), "0.81").values["budget"] == 2


def test_mathjax_outputs_carry_long_integers_without_pdflatex_glue() -> None:
    budget = Independent(epsilon="1e-300").budget("0.9")
    markdown = derive(budget).to_markdown()
    assert str(budget.n) in markdown and "mskip" not in markdown
    assert str(budget.n) not in derive(budget).to_latex()  # broken into groups for pdflatex
    assert "mskip" not in budget._repr_latex_() and "mskip" not in derive(budget)._repr_latex_()
