"""``bounds derive --result ...``: every result type from the command line, with the API's numbers."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import bounds
from tests.cli.running import run, run_json

SPECS = Path(__file__).resolve().parents[2] / "examples" / "specs"


def test_interval_budget_from_a_spec_is_the_apis(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "derive", "--spec", str(SPECS / "independent.toml"), "-T", "0.605",
                    "--result", "interval-budget", "--rho", "0")
    truth = bounds.dependence_free_budget("0.001", "0.605", rho=0)  # the spec's epsilon is 0.001
    assert (data["guaranteed"], data["possible"]) == (truth.guaranteed, truth.possible) == (395, 541)
    assert data["result"] == "interval-budget"
    assert "N_{\\mathrm{guaranteed}}" in data["document"]


def test_interval_uses_the_first_generation_rate(capsys: pytest.CaptureFixture[str]) -> None:
    # finite mixture: 1 - S(1) = 0.9 * 0.0001 + 0.1 * 0.01 = 0.00109 exactly
    data = run_json(capsys, "derive", "--spec", str(SPECS / "finite-mixture.toml"), "--result", "interval",
                    "--generations", "50")
    truth = bounds.dependence_free(Fraction(109, 100_000), 50)
    assert data["survival_lower"] == pytest.approx(float(truth.lower), rel=1e-15)
    assert data["epsilon"] == "0.00109"  # an input, echoed as its exact decimal (the JSON convention)


def test_comparison_rows_are_compares(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "derive", "--epsilon", "0.001", "-T", "0.605", "--result", "comparison")
    assert [row["budget"] for row in data["rows"][:4]] == [502, 395, 395, 502]  # compare's doctest


def test_evidence_and_distribution_take_no_model(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "derive", "--result", "evidence", "-k", "0", "-n", "1000", "-T", "0.9")
    assert data["budget"] == 35  # reference: evidence.json
    data = run_json(capsys, "derive", "--result", "distribution", "--low", "1e-4", "--high", "1e-2",
                    "-T", "0.9", "--seed", "1")
    assert data["quantiles"]["0.5"] == 103  # budget_distribution's doctest (10 000 draws, seed 1)
    code, _, err = run(capsys, "derive", "--spec", str(SPECS / "markov.toml"), "--result", "evidence",
                       "-k", "1", "-n", "3")
    assert code == 2 and err.count("\n") == 1 and "takes no model" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["--result", "interval", "--epsilon", "0.001"], "needs --generations"),
    (["--result", "budget"], "needs a model"),
    (["--epsilon", "0.001"], "needs --threshold"),
    (["--result", "evidence", "-k", "1"], "needs --failures and --trials"),
    (["--result", "distribution", "-T", "0.9"], "needs --low and --high"),
])
def test_usage_errors_are_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "derive", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_markdown_names_the_command_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "derive", "--epsilon", "0.002", "-T", "0.605", "--format", "markdown",
                       "--digits", "4")
    assert code == 0
    assert f"bounds {bounds.__version__}" in out
    assert "`bounds derive --epsilon 0.002 --threshold 0.605 --format markdown --digits 4`" in out
