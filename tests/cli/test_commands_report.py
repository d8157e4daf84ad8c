"""``bounds report`` on the command line: the acceptance case, formats, several specs, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("latex2mathml")
pytest.importorskip("matplotlib")

import bounds
from tests.cli.running import run
from tests.report.test_latex import require_pdflatex

SPECS = Path(__file__).resolve().parents[2] / "examples" / "specs"
BETA = str(SPECS / "beta-mixture.toml")


def test_acceptance_html_has_no_url(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "r.html"
    code, out, err = run(
        capsys, "report", "--spec", BETA, "--threshold", "0.605", "--format", "html", "-o", str(output)
    )
    assert (code, err) == (0, "")
    assert out.strip() == f"wrote {output} (N* = 15667)"
    text = output.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    assert text.startswith("<!DOCTYPE html>") and "<math" in text and "<svg" in text
    # provenance: the command line and the spec file's SHA-256
    assert "bounds report --spec" in text and "sha256" in text and "bounds.report([" not in text


def test_acceptance_pdf_compiles(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    require_pdflatex()
    output = tmp_path / "r.pdf"
    code, out, err = run(capsys, "report", "--spec", BETA, "--threshold", "0.605", "--format", "pdf", "-o", str(output))
    assert (code, err) == (0, "")
    assert output.read_bytes().startswith(b"%PDF")


def test_markdown_on_stdout_from_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "--epsilon", "0.001", "-T", "0.605", "--mass", "0.0001", "-f", "markdown")
    assert (code, err) == (0, "")
    assert out.startswith("# Generation budget at T = 0.605")
    assert "| persistent floor $\\delta = 0.0001$ | 502 | model |" in out and "$N^* = 502$ generations" in out


def test_several_specs_in_one_report_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "two.md"
    code, out, err = run(
        capsys,
        "report",
        "--spec",
        BETA,
        "--spec",
        str(SPECS / "independent.toml"),
        "-T",
        "0.605",
        "-o",
        str(output),
        "--json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    expected = [bounds.load_spec(SPECS / name).budget("0.605").n for name in ("beta-mixture.toml", "independent.toml")]
    assert data["budgets"] == expected == [15667, 502]
    assert data["format"] == "markdown" and (tmp_path / "two-survival.svg").exists()
    text = output.read_text()
    assert "spec 1" in text and "spec 2" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epsilon", "2", "-T", "0.6", "-f", "html"], "epsilon"),
        (["--epsilon", "0.1", "-T", "0.6"], "--format"),
        (["--epsilon", "0.1", "-T", "0.6", "-f", "pdf"], "needs --output"),
        (["--epsilon", "0.1", "-T", "0.6", "-o", "r.docx"], "cannot tell the report format"),
        (["--epsilon", "0.1", "-T", "0.6", "-f", "html", "--digits", "0"], "--digits"),
        (["--spec", "/nonexistent/x.toml", "-T", "0.6", "-f", "html"], "x.toml"),
        (["--epsilon", "0.1", "--spec", BETA, "-T", "0.6", "-f", "html"], "not allowed with"),
    ],
)
def test_errors_are_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, "report", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("bounds: error:") and message in err


def test_html_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "--epsilon", "0.001", "-T", "0.605", "-f", "html")
    assert (code, err) == (0, "")
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert "http" not in out and "<mn>502</mn></mrow></math> generations keep" in out


def test_a_cadence_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "--epsilon", "0.001", "-T", "0.605", "--first-interval", "12",
                         "--acceleration", "0.8", "--format", "markdown")
    assert code == 0 and "## Calendar time" in out and "$N^* + 1 = 503$" in out and "Zeno limit is $Z = 60$" in out
    code, out, err = run(capsys, "report", "--epsilon", "0.001", "-T", "0.605", "--acceleration", "0.8",
                         "--format", "markdown")
    assert code == 2 and out == "" and "--first-interval" in err and err.count("\n") == 1
