"""``bounds evidence`` and ``bounds budget --epsilon-interval`` (in-process, with capsys)."""

from __future__ import annotations

import json
import re

import mpmath
import pytest

from bounds.cli import main
from bounds.evidence.confidence import from_evidence
from bounds.evidence.uncertain import budget_distribution, epsilon_interval
from tests.conftest import load_reference

REFERENCE = load_reference("evidence")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("row", REFERENCE, ids=lambda row: f"{row['failures']}-of-{row['trials']}")
def test_evidence_json_reproduces_the_reference(capsys: pytest.CaptureFixture[str], row: dict) -> None:
    code, out, err = _run(
        capsys,
        "evidence",
        "--failures",
        str(row["failures"]),
        "--trials",
        str(row["trials"]),
        "--confidence",
        row["confidence"],
        "--threshold",
        row["threshold"],
        "--horizon",
        "500",
        "--json",
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    expected = mpmath.mpf(row["clopper_pearson_upper"])
    assert float(abs(data["epsilon_upper"] - expected) / expected) < 1e-9
    assert data["budget"] == row["budget_at_confidence"]
    assert data["method"] == "clopper-pearson"
    predictive = mpmath.mpf(row["jeffreys_posterior_predictive_survival_500"])
    assert float(abs(data["posterior_predictive_survival"] - predictive) / predictive) < 1e-9
    assert data["horizon"] == 500 and data["prior"] == ["0.5", "0.5"]
    assert (
        data["posterior_predictive_budget"]
        == from_evidence(row["failures"], row["trials"], row["confidence"], threshold=row["threshold"])
        .posterior_predictive_budget()
        .n
    )


def test_evidence_text_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "evidence", "-k", "0", "-n", "1000", "-c", "0.95", "-T", "0.9", "--horizon", "500"
    )
    assert code == 0
    assert "N* = 35" in out and "0.0029912495451" in out and "0.8165306" in out
    code, out, _ = _run(
        capsys,
        "evidence",
        "-k",
        "0",
        "-n",
        "1000",
        "-c",
        "0.95",
        "-T",
        "0.9",
        "--method",
        "rule-of-three",
        "--prior",
        "1",
        "1",
        "--horizon",
        "10",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["epsilon_upper"] == 0.003 and data["method"] == "rule-of-three"
    # uniform prior: B(1, 1011) / B(1, 1001) = 1001 / 1011
    assert data["posterior"] == [1.0, 1001.0]
    assert data["posterior_predictive_survival"] == pytest.approx(1001 / 1011, rel=1e-12)
    assert "posterior_predictive_survival" not in json.loads(
        _run(capsys, "evidence", "-k", "0", "-n", "10", "-c", "0.9", "-T", "0.9", "--json")[1]
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--failures", "5", "--trials", "3"], "failures must be at most trials = 3"),
        (["--failures", "-1", "--trials", "3"], "failures must be a whole number >= 0"),
        (["--failures", "1.5", "--trials", "3"], "failures must be a whole number >= 0"),
        (["--failures", "x", "--trials", "3"], "failures must be a decimal number"),
        (["--failures", "0", "--trials", "3", "--confidence", "1.2"], r"confidence must be in \(0, 1\)"),
        (["--failures", "0", "--trials", "3", "--method", "wald"], "method must be one of"),
        (["--failures", "0", "--trials", "3", "--prior", "0", "1"], "prior a must be a positive number"),
        (["--failures", "0", "--trials", "3", "--horizon", "-2"], "--horizon must be a whole number >= 0"),
        (["--failures", "0"], "the following arguments are required: --trials"),
    ],
)
def test_evidence_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    defaults = {"--confidence": "0.95", "--threshold": "0.9"}
    for option, value in defaults.items():
        if option not in argv:
            argv = [*argv, option, value]
    code, out, err = _run(capsys, "evidence", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("bounds: error: ")
    assert re.search(message, err)


def test_budget_interval_prints_quantiles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys,
        "budget",
        "--epsilon-interval",
        "1e-4",
        "1e-2",
        "--credibility",
        "0.9",
        "--threshold",
        "0.9",
        "--seed",
        "7",
        "--draws",
        "20000",
        "--required",
        "50",
    )
    assert code == 0 and err == ""
    expected = budget_distribution(epsilon_interval("1e-4", "1e-2", "0.9"), "0.9", draws=20_000, seed=7)
    for level, value in expected.quantiles.items():
        assert f"{level * 100:>5g}%  {value}" in out
    assert "(seed 7)" in out and "P(N* >= 50)" in out


def test_budget_interval_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        "budget",
        "--epsilon-interval",
        "1e-4",
        "1e-2",
        "--credibility",
        "0.9",
        "-T",
        "0.9",
        "--distribution",
        "beta",
        "--draws",
        "5000",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and isinstance(data["seed"], int) and data["draws"] == 5000
    assert data["epsilon_distribution"]["distribution"] == "beta"
    replay = budget_distribution(
        epsilon_interval("1e-4", "1e-2", "0.9", "beta"), "0.9", draws=5000, seed=data["seed"]
    )
    assert data["quantiles"] == {f"{level:g}": value for level, value in replay.quantiles.items()}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epsilon-interval", "1e-2", "1e-4", "--credibility", "0.9"], "low < high"),
        (
            ["--epsilon-interval", "1e-4", "2", "--credibility", "0.9"],
            r"epsilon interval high must be in \(0, 1\]",
        ),
        (["--epsilon-interval", "1e-4", "1e-2", "--credibility", "1.5"], r"credibility must be in \(0, 1\)"),
        (["--epsilon-interval", "1e-4", "1e-2"], "--credibility P is required with --epsilon-interval"),
        (["--epsilon-interval", "1e-4"], "expected 2 arguments"),
        (["--epsilon", "0.001", "--seed", "3"], "--seed only applies with --epsilon-interval"),
        (["--epsilon", "0.001", "--epsilon-interval", "1e-4", "1e-2"], "not allowed with argument"),
        (["--epsilon-interval", "1e-4", "1e-2", "--credibility", "0.9", "--draws", "0"], "draws must be"),
    ],
)
def test_budget_interval_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, "budget", *argv, "--threshold", "0.9")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("bounds: error: ")
    assert re.search(message, err)


def test_unreachable_posterior_budget_does_not_hide_the_bound(capsys: pytest.CaptureFixture[str]) -> None:
    # prior a = 0.001: S(N) ~ N**-0.001, the posterior budget at T = 0.5 is beyond 2**1000
    code, out, err = _run(
        capsys,
        "evidence",
        "-k",
        "0",
        "-n",
        "10",
        "-c",
        "0.95",
        "-T",
        "0.5",
        "--prior",
        "0.001",
        "1",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and err == ""
    assert data["budget"] == 2 and data["posterior_predictive_budget"] is None
    assert "2**1000" in data["posterior_predictive_budget_error"]


def test_plain_budget_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "budget", "--epsilon", "0.001", "--threshold", "0.605", "--json")
    assert code == 0 and json.loads(out)["budget"] == 502
