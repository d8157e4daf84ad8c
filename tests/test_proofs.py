"""The proofs/ book: every check passes, every check can fail, and the book compiles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sympy

import proofs
from proofs import THEOREMS, theorem
from proofs.__main__ import main
from proofs._core import (
    METHODS,
    NUMERIC,
    PROPERTY,
    SYMPY,
    CheckFailed,
    Report,
    Step,
    no_counterexample,
    run,
    sympy_sign,
    sympy_zero,
)
from proofs.book import compile_pdf, document
from tests._tools import require

ROOT = Path(__file__).parent.parent


def require_pdflatex() -> None:
    require("pdflatex")


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {report.name: report for report in proofs.check_all()}


def test_at_least_twelve_theorems_each_with_statement_proof_and_check() -> None:
    assert len(THEOREMS) >= 12
    on_disk = {path.stem for path in (ROOT / "proofs").glob("*.py") if not path.stem.startswith("_")}
    assert set(THEOREMS) == on_disk - {"book"}
    for name in THEOREMS:
        module = theorem(name)
        assert module.NAME == name
        assert module.STATEMENT.strip() and module.PROOF.strip()
        assert callable(module.check)


@pytest.mark.slow
@pytest.mark.parametrize("name", THEOREMS)
def test_every_step_of_every_theorem_passes(name: str, reports: dict[str, Report]) -> None:
    report = reports[name]
    assert report.passed, str(report)
    assert all(step.method in METHODS for step in report.steps)
    # each theorem verifies at least one step symbolically
    assert report.counts()[SYMPY] >= 1, str(report)


@pytest.mark.slow  # shares the slow `reports` fixture
def test_all_three_kinds_of_check_are_used(reports: dict[str, Report]) -> None:
    totals = {method: sum(report.counts()[method] for report in reports.values()) for method in METHODS}
    assert all(totals[method] >= 5 for method in (SYMPY, PROPERTY, NUMERIC)), totals


# -- a deliberately wrong step makes the corresponding check fail ----------------------------------------

FLIPS = [
    (
        "sandwich",
        "BERNOULLI",
        "<=",
        {
            "Bernoulli: coefficients of (1+x)^N f are (k-1) C(N,k) >= 0",
            "both inequalities on exact rationals",
            "the budget lies between the floors",
        },
    ),
    (
        "sandwich",
        "EXPONENTIAL",
        ">=",
        {"ln(1 - eps) <= -eps", "both inequalities on exact rationals", "the budget lies between the floors"},
    ),
    ("beta_mixture", "JENSEN", "<=", {"(1-p)^N is convex", "Jensen: S(N) >= (1 - mean)^N"}),
    (
        "independent_closed_form",
        "LOG_SIGN",
        ">",
        {"ln(1 - eps) < 0", "dividing by ln(1 - eps) < 0 reverses the inequality"},
    ),
    (
        "monotonicity",
        "SURVIVAL_STEP",
        ">=",
        {
            "dS/deps = -N (1-eps)^(N-1) <= 0",
            "S non-increasing under any joint law",
            "S non-increasing for Markov-modulated and absorbing chains",
        },
    ),
    ("chain_rule", "CHAIN", "<", {"conditional rates multiply to S(N) under any joint law"}),
    (
        "frechet",
        "BOOLE",
        "<",
        {"Boole's inequality under any joint law", "disjoint failures attain the bound; the budget is sharp"},
    ),
    (
        "persistent_floor",
        "CAP",
        ">",
        {
            "S'(N) <= (1 - delta)^N for any base schedule",
            "the budget is capped by floor(ln T / ln(1 - delta))",
        },
    ),
    (
        "dawson_sankoff_kwerel",
        "LOWER",
        "<=",
        {"products of consecutive integers are >= 0", "both bounds hold for exact laws of the count"},
    ),
    ("running_example", "AT_BUDGET", "<", {"budget at T = 0.605 is 502"}),
]


@pytest.mark.parametrize(
    ("name", "constant", "flipped", "expected"), FLIPS, ids=[f"{f[0]}-{f[1]}" for f in FLIPS]
)
def test_a_flipped_inequality_fails_exactly_its_steps(
    name: str, constant: str, flipped: str, expected: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = theorem(name)
    monkeypatch.setattr(module, constant, flipped)
    report = module.check()
    assert not report.passed
    assert set(report.failed()) == expected, str(report)


def test_a_wrong_step_in_a_test_double_fails_and_the_others_still_run() -> None:
    x = sympy.Symbol("x", positive=True)
    steps = [
        Step(
            "true identity",
            SYMPY,
            lambda: sympy_zero(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 - 1, "sin^2 + cos^2 - 1"),
        ),
        Step("flipped: ln(1+x) >= x", SYMPY, lambda: sympy_sign(sympy.log(1 + x) - x, ">=", "ln(1+x) - x")),
        Step(
            "flipped: x^2 < 0",
            PROPERTY,
            lambda: no_counterexample(
                __import__("hypothesis").strategies.integers(), lambda n: n * n < 0, "n^2 < 0"
            ),
        ),
        Step("raises", NUMERIC, lambda: (_ for _ in ()).throw(CheckFailed("boom"))),
    ]
    report = run("double", "a test double", steps)
    assert report.failed() == ["flipped: ln(1+x) >= x", "flipped: x^2 < 0", "raises"]
    assert report.steps[0].passed
    assert "counterexample 0" in report.steps[2].detail
    assert "FAIL  double" in str(report)
    with pytest.raises(ValueError, match="method must be one of"):
        Step("bad", "eyeballed", lambda: "")


# -- the book --------------------------------------------------------------------------------------------


@pytest.mark.slow  # shares the slow `reports` fixture
def test_the_book_compiles(reports: dict[str, Report], tmp_path: Path) -> None:
    require_pdflatex()
    tex = tmp_path / "proofs.tex"
    tex.write_text(document(list(reports.values())), encoding="utf-8")
    assert "12 of 12 theorems pass every check" in tex.read_text(encoding="utf-8")
    assert compile_pdf(tex).read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_python_m_proofs_writes_tex_and_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    require_pdflatex()
    assert main(["-o", str(tmp_path), "--theorem", "running_example", "--theorem", "chain_rule"]) == 0
    out = capsys.readouterr().out
    assert "all 2 theorems pass" in out
    assert (tmp_path / "proofs.tex").exists() and (tmp_path / "proofs.pdf").read_bytes().startswith(b"%PDF")


def test_python_m_proofs_exits_nonzero_when_a_check_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(theorem("running_example"), "AT_BUDGET", "<")
    assert main(["-o", str(tmp_path), "--theorem", "running_example", "--no-pdf"]) == 1
    assert "FAILED: running_example" in capsys.readouterr().err
    assert "0 of 1 theorems pass" in (tmp_path / "proofs.tex").read_text(encoding="utf-8")


@pytest.mark.slow
def test_proofs_do_not_depend_on_the_library() -> None:
    # importing every theorem module with bounds made unimportable
    code = (
        "import sys; sys.modules['bounds'] = None\n"
        "import proofs, proofs.book, proofs.__main__\n"
        "[proofs.theorem(name) for name in proofs.THEOREMS]\n"
        "print('independent')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "independent"
