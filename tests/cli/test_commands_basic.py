"""The command line: acceptance commands, JSON shape, one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.running import run, run_json
from tests.conftest import load_reference

ROOT = Path(__file__).resolve().parents[2]


def test_budget_acceptance(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "budget", "--epsilon", "0.001", "--threshold", "0.605")
    assert data["budget"] == 502
    assert data["unbounded"] is False and data["certified"] is True
    assert set(data) >= {"model", "threshold", "budget", "unbounded", "survival_at_budget",
                         "survival_after_budget", "certified", "epsilon"}
    assert run_json(capsys, "budget", "--p", "0.9", "--threshold", "0.81")["budget"] == 2


def test_budget_with_three_hundred_digits(capsys: pytest.CaptureFixture[str]) -> None:
    expected = next(row["budget"] for row in load_reference("independent") if row["epsilon"] == "1e-300")
    data = run_json(capsys, "budget", "--epsilon", "1e-300", "--threshold", "0.9")
    assert data["budget"] == expected
    assert len(str(expected)) == 300


def test_budget_unbounded(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "budget", "--epsilon", "0", "--threshold", "0.5")
    assert data["budget"] is None and data["unbounded"] is True
    code, out, _ = run(capsys, "budget", "--epsilon", "0", "--threshold", "0.5")
    assert code == 0 and "unbounded" in out


def test_budget_text_shows_the_certificate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "budget", "--epsilon", "0.001", "--threshold", "0.605")
    assert code == 0
    assert "N* = 502" in out
    assert "S(502) = 0.60516679335 >= T" in out  # 12 significant figures, trailing zero dropped
    assert "S(503) = 0.604561626557 < T" in out


def test_survival_json_reports_logs_of_tiny_values(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "survival", "--epsilon", "0.05", "--generations", "1e7")
    assert data["survival"] == 0.0
    assert data["log_survival"] == pytest.approx(-512932.9438755054, rel=1e-13)
    assert data["survival_decimal"].startswith("1.1295058319992") and data["survival_decimal"].endswith("e-222764")


def test_survival_running_example(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "survival", "--epsilon", "0.001", "--generations", "500")
    assert round(data["survival"], 4) == 0.6064
    assert data["generations"] == 500


def test_compare_table(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "compare", "--epsilon", "0.001", "--threshold", "0.605")
    budgets = {row["label"]: row["budget"] for row in data["rows"]}
    assert budgets["independent"] == 502
    assert budgets["any dependence (Frechet worst case)"] == 395
    assert budgets["sandwich lower floor((1-T)/eps)"] == 395
    assert budgets["sandwich upper floor(ln(1/T)/eps)"] == 502


def test_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0
    for fragment in ("0.999^50  = 0.9512", "0.999^500 = 0.6064", "budget at T = 0.605: 502",
                     "budget at T = 0.5:   692", "0.999^502 = 0.6052", "independent", "395",
                     "beta-mixture (rho=0.01)                        15667"):
        assert fragment in out
    data = run_json(capsys, "demo")
    assert data["budget_0.605"]["budget"] == 502 and data["budget_0.5"]["budget"] == 692


def test_spec_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "model.toml"
    spec.write_text('model = "independent"\nepsilon = "0.001"\n')
    assert run_json(capsys, "budget", "--spec", str(spec), "--threshold", "0.605")["budget"] == 502
    example = ROOT / "examples" / "specs" / "independent.toml"
    assert run_json(capsys, "budget", "--spec", str(example), "--threshold", "0.5")["budget"] == 692


BAD_COMMANDS = [
    (["budget", "--epsilon", "nan", "--threshold", "0.5"], "epsilon must be a finite number"),
    (["budget", "--epsilon", "inf", "--threshold", "0.5"], "epsilon must be a finite number"),
    (["budget", "--epsilon", "-0.1", "--threshold", "0.5"], "epsilon must be in [0, 1]"),
    (["budget", "--epsilon", "1.5", "--threshold", "0.5"], "epsilon must be in [0, 1]"),
    (["budget", "--epsilon", "abc", "--threshold", "0.5"], "epsilon must be a decimal number"),
    (["budget", "--p", "1.2", "--threshold", "0.5"], "p must be in [0, 1]"),
    (["budget", "--epsilon", "0.1", "--threshold", "0"], "threshold must be in (0, 1]"),
    (["budget", "--epsilon", "0.1", "--threshold", "1.01"], "threshold must be in (0, 1]"),
    (["budget", "--epsilon", "0.1", "--threshold", "x"], "threshold must be a decimal number"),
    (["budget", "--epsilon", "0.1"], "the following arguments are required: --threshold"),
    (["budget", "--threshold", "0.5"], "one of the arguments --epsilon --p --spec --epsilon-interval is required"),
    (["budget", "--epsilon", "0.1", "--p", "0.9", "--threshold", "0.5"], "not allowed with argument"),
    (["survival", "--epsilon", "0.1", "--generations", "-1"], "--generations must be a whole number >= 0"),
    (["survival", "--epsilon", "0.1", "--generations", "2.5"], "--generations must be a whole number >= 0"),
    (["budget", "--spec", "/nonexistent/model.toml", "--threshold", "0.5"], "does not exist"),
    (["frobnicate"], "invalid choice"),
    ([], "required: COMMAND"),
]


def _command_id(value: object) -> str | None:
    return " ".join(value) if isinstance(value, list) else None


@pytest.mark.parametrize(("argv", "fragment"), BAD_COMMANDS, ids=_command_id)
def test_bad_input_exits_2_with_one_line(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("bounds: error: ")
    assert fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('model = "independent"\nepsilom = "0.1"\n', "needs the field 'epsilon'"),
        ('model = "independent"\nepsilon = "0.1"\nextra = 1\n', "unknown field(s) 'extra'"),
        ('model = "nonsense"\n', "'model' must be one of"),
        ("this is [not toml", "not valid TOML"),
        ('model = "independent"\nepsilon = "__import__(\'os\')"\n', "epsilon must be a decimal number"),
        ('model = "independent"\nepsilon = 2\n', "epsilon must be in [0, 1]"),
    ],
)
def test_bad_spec_files(tmp_path: Path, content: str, fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(content)
    code, _, err = run(capsys, "budget", "--spec", str(spec), "--threshold", "0.5")
    assert code == 2
    assert err.count("\n") == 1 and fragment in err


@pytest.mark.slow
def test_python_dash_m_runs_the_cli() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bounds", "budget", "--epsilon", "0.001", "--threshold", "0.605", "--json"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["budget"] == 502
    failed = subprocess.run(
        [sys.executable, "-m", "bounds", "budget", "--epsilon", "nan", "--threshold", "0.5"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert failed.returncode == 2
    assert failed.stderr.strip().count("\n") == 0 and "Traceback" not in failed.stderr


def test_exact_values_that_floats_cannot_carry_stay_strings(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "budget", "--epsilon", "0.5", "--threshold", "1e-4000")
    assert data["threshold"] == "1e-4000"
    assert data["budget"] == 13287  # floor(4000 log2(10)) = floor(13287.7)


def test_survival_beyond_float_generation_counts(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "survival", "--epsilon", "1e-300", "--generations", "1e400")
    assert data["log_survival"] == pytest.approx(-1e100, rel=1e-15)
    assert data["survival"] == 0.0


@pytest.mark.slow
def test_closed_pipe_is_not_an_error() -> None:
    completed = subprocess.run(
        f"{sys.executable} -m bounds demo | head -c 10",
        shell=True, capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert completed.stdout == "A techniqu"
    assert "Traceback" not in completed.stderr
