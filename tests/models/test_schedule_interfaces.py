"""Schedule models through their interfaces: symbolic form, Monte Carlo, spec files and the CLI.

Expected values come from the mpmath evaluation of the sympy expression
(independent of the numeric code), simulation with a stated tolerance, exact
rational brute force, or the Python API (for CLI parity).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest

from bounds import Expression, Geometric, Power, Rates, TwoRate
from bounds.batch.simulate import simulate
from bounds.cli import main
from bounds.errors import BoundsError, SpecError
from bounds.models.registry import load_spec, model_from_spec, registered

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "examples" / "specs"


def relative(a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    return abs(a - b) / abs(b) if b != 0 else abs(a)


# -- symbolic form ------------------------------------------------------------------------------------

SYMBOLIC_MODELS = [
    Geometric(epsilon1="0.01", ratio="0.5"),
    Geometric(epsilon1="0.2", ratio="1.5"),
    Power(epsilon1="0.3", exponent="1.5"),
    TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=4),
    Rates(["0.01", "0.02", "0.005"]),
    Rates(["0.01", "0.02"], tail="zero"),
    Rates([Fraction(k, 10**5) for k in range(1, 301)]),
    Expression("min(1, 1e-3 * exp(0.1 * i) + sqrt(i) / 1e4)"),
]


@pytest.mark.parametrize("model", SYMBOLIC_MODELS, ids=repr)
def test_symbolic_expression_agrees_with_numeric_survival(model) -> None:
    expression = model.symbolic()
    for n in (0, 1, 2, 5, 13, 40):
        with mpmath.workdps(40):
            assert relative(expression.evaluate(n, dps=40), model.survival_mp(n, 35)) < mpmath.mpf(10) ** -30


# -- Monte Carlo ----------------------------------------------------------------------------------------

MONTE_CARLO = [
    (Geometric(epsilon1="0.05", ratio="0.9"), [1, 5, 20, 100]),
    (Geometric(epsilon1="0.001", ratio="1.1"), [10, 40, 60, 72, 73]),
    (Power(epsilon1="0.2", exponent="0.7"), [1, 10, 100, 1000]),
    (TwoRate(epsilon_key="0.05", epsilon_other="0.002", key_every=5), [4, 5, 50, 300]),
    (Rates(["0.1", "0.05", "0.02"], tail="zero"), [1, 2, 3, 50]),
    (Expression("min(1, 0.002 * sqrt(i))"), [1, 10, 100, 400]),
]


@pytest.mark.parametrize(("model", "counts"), MONTE_CARLO, ids=lambda value: repr(value)[:40])
def test_monte_carlo_agrees_within_four_standard_errors(model, counts: list[int]) -> None:
    result = simulate(model, counts, trials=200_000, seed=2024)
    assert result.agrees_with(model.survival(counts), sigmas=4)


def test_monte_carlo_horizon_is_respected() -> None:
    model = Geometric(epsilon1="0.5", ratio="0.5")
    failures = model.sample_failure_generation(10_000, np.random.default_rng(1), horizon=3)
    assert set(np.unique(failures)) <= {1, 2, 3, np.iinfo(np.int64).max}


# -- specs and the CLI ----------------------------------------------------------------------------------


def test_registered_spec_names() -> None:
    assert {"geometric", "power", "two-rate", "rates", "expression"} <= set(registered())


@pytest.mark.parametrize("name", ["geometric", "power", "two-rate", "rates", "expression"])
def test_example_specs_load(name: str) -> None:
    model = load_spec(SPECS / f"{name}.toml")
    assert model.name == name


def test_spec_values() -> None:
    assert load_spec(SPECS / "geometric.toml") == Geometric(epsilon1="0.01", ratio="0.5")
    assert load_spec(SPECS / "two-rate.toml") == TwoRate(
        epsilon_key="0.01", epsilon_other="0.0001", key_every=10
    )
    rates = load_spec(SPECS / "rates.toml")
    assert rates.rates[0] == Fraction("0.004") and len(rates.rates) == 10 and rates.tail == "repeat"
    assert model_from_spec({"model": "power", "epsilon1": 0.001, "exponent": 2}) == Power("0.001", 2)
    assert model_from_spec({"model": "expression", "expr": "0.1", "horizon": "1e3"}).horizon == 1000


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"model": "geometric", "epsilon1": "0.01"}, "needs the field 'ratio'"),
        ({"model": "geometric", "epsilon1": "0.01", "ratio": "0.5", "ratoi": 1}, "unknown field"),
        ({"model": "geometric", "epsilon1": "1.5", "ratio": "0.5"}, r"epsilon1 must be in \[0, 1\]"),
        ({"model": "geometric", "epsilon1": "0.1", "ratio": "-0.5"}, "ratio must be a positive number"),
        ({"model": "power", "epsilon1": "0.1", "exponent": 0}, "exponent must be a positive number"),
        ({"model": "two-rate", "epsilon_key": "0.1", "epsilon_other": "0.1"}, "needs the field 'key_every'"),
        ({"model": "rates"}, "exactly one of the fields 'rates' or 'file'"),
        (
            {"model": "rates", "rates": ["0.1"], "file": "x.txt"},
            "exactly one of the fields 'rates' or 'file'",
        ),
        ({"model": "rates", "file": "missing.txt"}, "does not exist"),
        ({"model": "rates", "rates": "0.1"}, "rates must be a non-empty list"),
        ({"model": "expression"}, "needs the field 'expr'"),
        ({"model": "expression", "expr": "__import__('os')"}, "not allowed"),
        ({"model": "expression", "expr": "0.1", "horizon": 0}, "horizon must be a whole number >= 1"),
    ],
)
def test_bad_specs(tmp_path: Path, table: dict, message: str) -> None:
    with pytest.raises(BoundsError, match=message):
        model_from_spec(table, base_dir=tmp_path)


def test_spec_file_path_is_relative_to_the_spec(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "r.txt").write_text("0.1\n0.2\n")
    (tmp_path / "model.toml").write_text('model = "rates"\nfile = "data/r.txt"\ntail = "zero"\n')
    assert load_spec(tmp_path / "model.toml") == Rates(["0.1", "0.2"], tail="zero")
    (tmp_path / "bad.toml").write_text('model = "rates"\nfile = "data/r.txt"\ntail = "sometimes"\n')
    with pytest.raises(SpecError, match="tail must be 'repeat' or 'zero'"):
        load_spec(tmp_path / "bad.toml")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_geometric_spec_unbounded(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "budget", "--spec", str(SPECS / "geometric.toml"), "--threshold", "0.9", "--json"
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["budget"] is None and data["unbounded"] is True and data["certified"] is True
    assert data["model"] == "geometric" and data["epsilon1"] == "0.01" and data["ratio"] == "0.5"
    code, out, _ = run_cli(
        capsys, "budget", "--spec", str(SPECS / "geometric.toml"), "--threshold", "0.99", "--json"
    )
    assert json.loads(out)["budget"] == 1


@pytest.mark.parametrize(
    ("name", "threshold"), [("two-rate", "0.5"), ("rates", "0.9"), ("expression", "0.9"), ("power", "0.999")]
)
def test_cli_budgets_match_the_api(capsys: pytest.CaptureFixture[str], name: str, threshold: str) -> None:
    model = load_spec(SPECS / f"{name}.toml")
    code, out, err = run_cli(
        capsys, "budget", "--spec", str(SPECS / f"{name}.toml"), "--threshold", threshold, "--json"
    )
    assert code == 0 and err == ""
    assert json.loads(out)["budget"] == model.budget(threshold).n


def test_cli_two_rate_budget_by_brute_force(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "budget", "--spec", str(SPECS / "two-rate.toml"), "--threshold", "0.5", "--json"
    )
    expected = max(
        n
        for n in range(1000)
        if Fraction(99, 100) ** (n // 10) * Fraction(9999, 10000) ** (n - n // 10) >= Fraction(1, 2)
    )
    assert code == 0 and json.loads(out)["budget"] == expected


def test_cli_survival_with_spec(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "survival", "--spec", str(SPECS / "power.toml"), "--generations", "1e15", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["generations"] == 10**15
    assert data["survival"] == pytest.approx(Power("0.002", "1.5").survival(10**15), rel=1e-15)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("model = \"expression\"\nexpr = \"__import__('os').system('true')\"\n", "only calls of"),
        ('model = "expression"\nexpr = "9**9**9"\n', "constant exponent"),
        ('model = "expression"\nexpr = "log(-1)"\n', "at i = 1"),
        ('model = "geometric"\nepsilon1 = "0.01"\n', "needs the field 'ratio'"),
        ('model = "rates"\nfile = "nowhere.txt"\n', "does not exist"),
        ('model = "expression"\nexpr = "1e-3 * 0.5**i"\nhorizon = 100\n', "horizon = 100"),
    ],
)
def test_cli_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    spec = tmp_path / "model.toml"
    spec.write_text(content)
    code, out, err = run_cli(capsys, "budget", "--spec", str(spec), "--threshold", "0.9")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("bounds: error:") and message in err
    assert "Traceback" not in err
