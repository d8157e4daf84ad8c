"""Acceptance (issue 12): every example spec and every result type gives a publishable derivation.

For every spec in ``examples/specs`` and every result type (budget, survival
interval, budget interval, comparison; evidence bounds and budget distributions,
which take no model), ``bounds derive`` writes the document; the documents of one
result type are compiled together (one pdflatex run) and the test asserts

* no ``Overfull \\hbox`` in the log,
* none of the ASCII maths ``epsilon``, ``infinity``, ``^(``, ``_1 `` in ``pdftotext``'s text,
* with ``--digits 4``, no non-integer number with more than 4 significant figures
  (outside the provenance line and the references, which quote a command and citations),
* the version string in every document,

and, against the API as truth, that each budget document shows the model's
certified budget. The LaTeX-level checks run without pdflatex too.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import bounds
from bounds.cli import main
from tests._tools import require
from tests.report import derivation_parsing as parse

SPECS = sorted((Path(__file__).resolve().parents[2] / "examples" / "specs").glob("*.toml"))
THRESHOLDS = {"logistic": "0.5"}  # the others at 0.9 (geometric and power are unbounded there)
DIGITS = 4
FORBIDDEN = ("epsilon", "infinity", "^(", "_1 ")

RESULT_OPTIONS = {
    "budget": [],
    "interval": ["--result", "interval", "--generations", "100", "--rho", "0.001"],
    "interval-budget": ["--result", "interval-budget", "--rho", "0.01"],
    "comparison": ["--result", "comparison", "--rho", "0.01", "--mass", "0.002"],
}
WITHOUT_MODEL = {
    "evidence": [["--result", "evidence", "-k", "0", "-n", "1000", "-T", "0.9"],
                 ["--result", "evidence", "-k", "3", "-n", "1000", "-T", "0.9", "--method", "jeffreys"]],
    "distribution": [["--result", "distribution", "--low", "1e-4", "--high", "1e-2", "-T", "0.9"]],
}




def commands(result: str) -> list[list[str]]:
    if result in WITHOUT_MODEL:
        return WITHOUT_MODEL[result]
    return [["--spec", str(spec), "-T", THRESHOLDS.get(spec.stem, "0.9"), *RESULT_OPTIONS[result]] for spec in SPECS]


def write_documents(result: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    texts = []
    for index, argv in enumerate(commands(result)):
        target = folder / f"{result}-{index}.tex"
        code = main(["derive", *argv, "--digits", str(DIGITS), "--output", str(target)])
        assert code == 0, capsys.readouterr().err
        texts.append(target.read_text(encoding="utf-8"))
    capsys.readouterr()
    return texts


def combined(documents: list[str]) -> str:
    """One document with every body, a page each (one pdflatex run checks them all)."""
    preamble = documents[0].split("\\begin{document}")[0]
    bodies = [document.split("\\begin{document}")[1].split("\\end{document}")[0] for document in documents]
    joined = "\n\\clearpage\n".join(f"{MARK}\n{body}" for body in bodies)
    return preamble + "\\begin{document}\n" + joined + "\\end{document}\n"


def long_numbers(text: str) -> list[str]:
    """Non-integer numbers with more than DIGITS significant figures (a truncated ``1.234...`` counts its figures)."""
    return [number for number in re.findall(r"\d+\.\d+", text) if len(number.replace(".", "").lstrip("0")) > DIGITS]


#: Typeset at the start of each document of a combined file, to split its text again.
MARK = "DOCUMENTSTARTS"


def body_of(text: str) -> str:
    """Each document's text before its provenance line (that line quotes a command; the references follow)."""
    return "\n".join(part.split("Produced by")[0] for part in text.split(MARK))


ALL_RESULTS = [*RESULT_OPTIONS, *WITHOUT_MODEL]


@pytest.mark.parametrize("result", ALL_RESULTS)  # about 6 s in all: in the quick loop too
def test_derivations_are_publication_quality(result: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    documents = write_documents(result, tmp_path, capsys)
    for document in documents:
        body = document.split("\\textit{Produced by}")[0]
        assert bounds.__version__ in document.split("\\textit{Produced by}")[1]
        assert not long_numbers(re.sub(r"\\allowbreak[^ ]*", "", body)), long_numbers(body)
    tex = tmp_path / f"{result}.tex"
    tex.write_text(combined(documents), encoding="utf-8")
    completed = subprocess.run(
        [require("pdflatex"), "-interaction=nonstopmode", "-no-shell-escape", tex.name],
        cwd=tmp_path, capture_output=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:]
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log, log[log.index("Overfull"):][:600]
    text = subprocess.run([require("pdftotext"), tex.with_suffix(".pdf").name, "-"], cwd=tmp_path,
                          capture_output=True, text=True, check=True).stdout
    assert [word for word in FORBIDDEN if word in text] == []
    assert text.count(f"bounds {bounds.__version__}") == len(documents)
    assert long_numbers(body_of(text)) == []
    assert pages_ending_in_a_lead_in(text) == []


def pages_ending_in_a_lead_in(text: str) -> list[str]:
    """The last lines of pages that end inside a lead-in (``...:`` or ``...,``): its display went to the next page."""
    endings = []
    for page in text.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines and lines[-1].isdigit():  # the page number
            lines.pop()
        if lines and lines[-1].endswith((":", ",")):  # a lead-in, or a paragraph broken before its display
            endings.append(lines[-1])
    return endings


@pytest.mark.parametrize("spec", SPECS, ids=[spec.stem for spec in SPECS])
def test_budget_documents_show_the_certified_budget(spec: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    threshold = THRESHOLDS.get(spec.stem, "0.9")
    target = tmp_path / "derivation.tex"
    assert main(["derive", "--spec", str(spec), "-T", threshold, "--digits", str(DIGITS), "--fragment",
                 "--output", str(target)]) == 0
    capsys.readouterr()
    text = target.read_text(encoding="utf-8")
    assert parse.budget(text) == bounds.load_spec(spec).budget(threshold).n  # the API's budget
    assert f"--spec {spec}" in text.replace("\\allowbreak{}", "")  # the command line, in the provenance


def test_every_result_type_derives_from_python() -> None:
    interval = bounds.dependence_free("0.001", 500, rho="0.05")
    subjects = [
        bounds.budget(epsilon="0.001", threshold="0.9"),
        interval,
        bounds.dependence_free_budget("0.001", "0.9", rho="0.05"),
        bounds.dependence_free_budget("0.001", "0.9"),
        bounds.from_evidence(failures=0, trials=1000, confidence="0.95", threshold="0.9"),
        bounds.compare("0.001", "0.9", rho="0.01"),
    ]
    for subject in subjects:
        derivation = bounds.derive(subject, digits=DIGITS)
        assert derivation.provenance is not None and derivation.provenance.version == bounds.__version__
        assert derivation.provenance.call.startswith("bounds.derive(")
        for rendered in (derivation.to_latex(), derivation.to_markdown()):
            assert bounds.__version__ in rendered and "UTC" in rendered
    # the budget interval's numbers are the API's (issue 12: derive(dependence_free_budget(...)) failed)
    result = bounds.dependence_free_budget("0.001", "0.605", rho=0)
    values = bounds.derive(result).values
    assert (values["guaranteed"], values["possible"]) == (395, 541)  # the docstring's reference values


def test_inputs_are_shown_as_given_before_the_derived_parameters() -> None:
    text = bounds.derive(bounds.BetaMixture(mean="0.001", rho="0.01"), "0.9", digits=4).to_latex()
    inputs, derived = text.index("\\textbf{Inputs.}"), text.index("\\textbf{Derived parameters.}")
    assert inputs < derived
    assert "\\bar{\\varepsilon} &= 0.001" in text[inputs:derived] and "\\rho &= 0.01" in text[inputs:derived]
    assert "b &= (1 - \\bar{\\varepsilon})(1/\\rho - 1) \\approx 98.9" in text  # 98.901 at 4 figures
    shapes = bounds.derive(bounds.BetaMixture(a="0.099", b="98.901"), "0.9").to_latex()
    assert "b &= 98.901" in shapes[: shapes.index("\\textbf{Derived parameters.}")]


def test_source_date_epoch_fixes_the_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    derivation = bounds.derive(bounds.Independent(epsilon="0.001"), "0.9", call="bounds derive --epsilon 0.001")
    assert derivation.provenance is not None
    assert derivation.provenance.date == "1970-01-01 00:00 UTC"
    assert "\\texttt{bounds derive --epsilon 0.\\allowbreak{}001}" in derivation.to_latex()
