"""``bounds timeline``: the issue's flags and JSON keys; bad input is one line on stderr and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.running import run, run_json

SEED = ["--first-interval", "12", "--acceleration", "0.8"]


def test_seed_timeline_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "timeline", "--epsilon", "0.001", "--threshold", "0.605", *SEED,
                    "--start", "2027-12", "--at", "2028-12", "2030-01", "24", "2033-01")
    assert data["budget"] == 502 and data["horizon_generation"] == 503
    assert data["zeno_months"] == 60 and data["months_to_horizon"] == pytest.approx(60)
    assert data["horizon_date"] == "2032-12"
    # 12 months: generation 1 done; 25 months: 12 + 9.6 = 21.6 <= 25 < 29.28; past the Zeno limit: all
    assert data["generations_at"] == [1, 2, 2, None]
    assert data["survival_at"][:3] == pytest.approx([0.999, 0.998001, 0.998001])
    assert data["survival_at"][3] == 0


def test_uncertain_start(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "timeline", "--epsilon", "0.001", "--threshold", "0.605", *SEED,
                    "--start-cdf", "2027-12:0.3,2028-12:0.6", "--at", "2026-01", "2032-12", "2040-01")
    assert data["horizon_date"] == [{"date": "2032-12", "probability": 0.3}, {"date": "2033-12", "probability": 0.6}]
    assert data["generations_at"] == [None, None, None]
    assert data["survival_at"][0] == 1 and data["survival_at"][2] == pytest.approx(0.4)
    assert 0.4 < data["survival_at"][1] < 1


def test_unbounded_horizon_and_the_floor_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "geometric.toml"
    spec.write_text('model = "geometric"\nepsilon1 = "0.01"\nratio = "0.5"\n')
    data = run_json(capsys, "timeline", "--spec", str(spec), "--threshold", "0.9", *SEED)
    assert data["budget"] is None and data["months_to_horizon"] is None and data["horizon_date"] is None
    floored = tmp_path / "floored.toml"
    floored.write_text('model = "persistent-unsafe"\nmass = "0.001"\n[base]\nmodel = "geometric"\n'
                       'epsilon1 = "0.01"\nratio = "0.5"\n')
    data = run_json(capsys, "timeline", "--spec", str(floored), "--threshold", "0.9", *SEED)
    assert data["budget"] == data["horizon_generation"] - 1 and data["months_to_horizon"] < 60


def test_other_cadences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "timeline", "--epsilon", "0.001", "-T", "0.605", "--first-interval", "1")
    assert data["months_to_horizon"] == 503 and data["zeno_months"] is None
    data = run_json(capsys, "timeline", "--epsilon", "0.001", "-T", "0.605", "--first-interval", "12",
                    "--doubling-time", "7", "--at", "120")
    assert data["generations_at"] == [121787] and data["zeno_months"] is None
    intervals = tmp_path / "intervals.txt"
    intervals.write_text("12\n6\n")
    data = run_json(capsys, "timeline", "--epsilon", "0.5", "-T", "0.3", "--intervals", str(intervals))
    assert data["budget"] == 1 and data["months_to_horizon"] == 18


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--first-interval", "-12"], "--first-interval must be a positive number"),
        (["--first-interval", "nan"], "--first-interval must be a finite number"),
        (["--first-interval", "1e5000"], "decimal exponent"),
        (["--first-interval", "12", "--acceleration", "0"], "--acceleration must be a positive number"),
        (["--first-interval", "12", "--start", "2027-13"], "--start must be a month YYYY-MM"),
        (["--first-interval", "12", "--start", "Dec 2027"], "--start must be a month YYYY-MM"),
        (["--first-interval", "12", "--start-cdf", "2028-12:0.6,2027-12:0.3"], "strictly increasing"),
        (["--first-interval", "12", "--start-cdf", "2027-12:0.6,2028-12:0.3"], "non-decreasing"),
        (["--first-interval", "12", "--start-cdf", "2027-12:1.5"], "in [0, 1]"),
        (["--first-interval", "12", "--at", "2030-01"], "give --start or --start-cdf"),
        (["--first-interval", "12", "--at", "-5"], "months >= 0"),
        (["--first-interval", "12", "--acceleration", "0.8", "--doubling-time", "7"], "not allowed with"),
        ([], "--first-interval MONTHS is required"),
        (["--intervals", "/nonexistent/intervals.txt"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], extra: list[str], message: str) -> None:
    code, out, err = run(capsys, "timeline", "--epsilon", "0.001", "--threshold", "0.605", *extra)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


REDTEAM = "generation,trials,failures\n1,2000,40\n2,2000,21\n3,2000,9\n4,2000,6\n"


def test_fit_json_keys_and_written_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_file = tmp_path / "redteam.csv"
    data_file.write_text(REDTEAM)
    spec = tmp_path / "conservative.toml"
    data = run_json(capsys, "fit", "--data", str(data_file), "--family", "auto", "--confidence", "0.95",
                    "--threshold", "0.95", "--write-spec", str(spec))
    assert set(data) >= {"family", "parameters", "trend_p_value", "budget_mle", "budget_conservative", "aic"}
    assert set(data["aic"]) == {"independent", "geometric", "power", "logistic"} and data["family"] == "geometric"
    assert data["budget_mle"] is None and data["budget_mle_unbounded"] is True
    assert data["budget_conservative"] == 2 and data["trend_p_value"] < 1e-6
    again = run_json(capsys, "budget", "--spec", str(spec), "--threshold", "0.95")
    assert again["budget"] == data["budget_conservative"]
    single = run_json(capsys, "fit", "--data", str(data_file), "--family", "independent", "--threshold", "0.95")
    assert single["family"] == "independent" and isinstance(single["aic"], float)


def test_fit_failure_times(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    times = tmp_path / "times.txt"
    times.write_text("\n".join(str(t) for t in [5, 40, 43, 175, 389, 712, 747, 795, 1299, 1478]))
    data = run_json(capsys, "fit", "--times", str(times), "--end", "1500")
    assert data["family"] == "crow-amsaa" and round(data["beta_unbiased"], 4) == 0.4835


@pytest.mark.parametrize(
    ("text", "extra", "message"),
    [
        ("generation,trials,failures\n1,100,300\n", [], "line 2, column 'failures'"),
        ("generation,trials,failures\n1,100,nan\n", [], "line 2, column 'failures'"),
        ("generation,trials,failures\n1,1e999,1\n", [], "line 2, column 'trials'"),
        ("generation,trials\n1,100\n", [], "header"),
        (REDTEAM, ["--confidence", "1.5"], "--confidence must be in [0, 1]"),
        (REDTEAM, ["--confidence", "0"], "--confidence must be in (0, 1)"),
        (REDTEAM, ["--threshold", "0"], "--threshold must be in (0, 1]"),
        (REDTEAM, ["--family", "weibull"], "invalid choice"),
        (REDTEAM, ["--end", "5"], "--end applies to --times"),
    ],
)
def test_fit_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                              extra: list[str], message: str) -> None:
    data_file = tmp_path / "data.csv"
    data_file.write_text(text)
    code, out, err = run(capsys, "fit", "--data", str(data_file), *extra)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_extreme_but_valid_inputs_are_honoured(capsys: pytest.CaptureFixture[str]) -> None:
    # every value the parser accepts (exponents to +-4000) works downstream (DESIGN §2)
    data = run_json(capsys, "timeline", "--epsilon", "0.001", "-T", "0.605", "--first-interval", "1e-4000",
                    "--at", "1e4000", "1e-3990")
    assert data["generations_at"][0] == "1" + "0" * 8000 and data["survival_at"][0] == 0
    assert data["generations_at"][1] == 10_000_000_000
    data = run_json(capsys, "timeline", "--epsilon", "0.001", "-T", "0.605", "--first-interval", "12",
                    "--acceleration", "1.5", "--at", "1e4000")
    assert data["generations_at"] == [22707]
