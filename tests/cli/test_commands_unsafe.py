"""CLI: describe, trilemma, persistent-unsafe and absorbing specs, the floor comparison rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bounds import load_spec
from bounds.geometry.cone import ASSUMPTIONS
from tests.cli.running import run
from tests.conftest import load_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "specs"


def test_describe_absorbing_spec(capsys) -> None:
    code, out, _ = run(capsys, "describe", "--spec", str(EXAMPLES / "absorbing.toml"), "--json")
    assert code == 0
    data = json.loads(out)
    reference = load_reference("absorbing")
    assert data["model"] == "absorbing"
    assert data["mean_generations"] == float(reference["mean_generations_to_unsafe"])
    assert data["decay_rate"] == pytest.approx(float(reference["decay_rate"]), rel=1e-12)
    assert data["limit"] == 0
    assert data["Q"] == [["0.995", "0.004"], ["0.3", "0.6"]]  # inputs echoed exactly
    code, out, _ = run(capsys, "describe", "--spec", str(EXAMPLES / "absorbing.toml"))
    assert re.search(r"^mean_generations +505$", out, re.M) and "decay_rate" in out


def test_describe_persistent_unsafe_and_plain_models(capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "describe", "--spec", str(EXAMPLES / "persistent-unsafe.toml"), "--json")
    data = json.loads(out)
    assert (data["model"], data["mass"], data["mode"], data["limit"]) == (
        "persistent-unsafe",
        "0.001",
        "floor",
        0,
    )
    base = data["base"]
    assert (base["model"], base["epsilon1"], base["ratio"]) == ("geometric", "0.01", "0.5")
    assert base["limit"] == pytest.approx(0.98013, abs=1e-5)  # (0.01; 0.5)_inf, DESIGN §4
    assert base["mean_generations"] is None and base["mean_generations_note"].startswith("infinite")
    # the floor delta = 0.001 dominates once the geometric rates fall below it: rho = 1 - delta
    assert data["decay_rate"] == pytest.approx(0.999, rel=1e-15)
    code, out, _ = run(capsys, "describe", "--spec", str(EXAMPLES / "independent.toml"), "--json")
    assert json.loads(out) == {
        "model": "independent", "epsilon": "0.001", "limit": 0, "decay_rate": 0.999,
        "decay_rate_note": "1 - epsilon", "mean_generations": 1000.0, "mean_generations_note": "1 / epsilon",
    }


def test_budget_of_a_floored_geometric_reports_the_cap(capsys, tmp_path) -> None:
    spec = tmp_path / "floored.toml"
    spec.write_text(
        'model = "persistent-unsafe"\nmass = "0.001"\n'
        '[base]\nmodel = "geometric"\nepsilon1 = "0.01"\nratio = "0.5"\n'
    )
    code, out, _ = run(capsys, "budget", "--spec", str(spec), "--threshold", "0.9", "--json")
    data = json.loads(out)
    assert (code, data["budget"], data["cap"], data["certified"]) == (0, 90, 105, True)
    assert data["base"] == "geometric" and data["base_epsilon1"] == "0.01"
    code, out, _ = run(capsys, "budget", "--spec", str(spec), "--threshold", "0.9")
    assert "N* = 90" in out and "cap           105" in out


def test_absorbing_budget_and_survival_from_spec(capsys) -> None:
    code, out, _ = run(capsys, "survival", "--spec", str(EXAMPLES / "absorbing.toml"), "-N", "1e9", "--json")
    data = json.loads(out)
    assert data["log_survival"] == pytest.approx(-1987010.7613048148, rel=1e-12)
    assert data["survival_decimal"].startswith("1.5519686332027")
    code, out, _ = run(capsys, "budget", "--spec", str(EXAMPLES / "absorbing.toml"), "-T", "0.5", "--json")
    assert json.loads(out)["budget"] == 350


def test_trilemma_json_and_text(capsys) -> None:
    row = load_reference("cone_mass")[1]
    argv = [
        "trilemma",
        "--gradient",
        "10",
        "--path-lipschitz",
        "1",
        "--defense-lipschitz",
        "1.5",
        "2",
        "--dimension",
        "16",
        "--near-mass",
        "0.01",
    ]
    code, out, _ = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["mass"] == pytest.approx(float(row["mass"]), rel=1e-9)
    assert data["cos_half_angle"] == pytest.approx(0.4)
    assert data["assumptions"] == list(ASSUMPTIONS)
    assert "cap" not in data
    code, out, _ = run(capsys, *argv, "--threshold", "0.9", "--json")
    data = json.loads(out)
    # floor(ln 0.9 / ln(1 - 0.000558187578892697...)) = 188
    assert (data["cap"], data["cap_unbounded"]) == (188, False)
    code, out, _ = run(capsys, *argv, "--threshold", "0.9")
    for assumption in ASSUMPTIONS:
        assert assumption in out
    assert "= 188" in out and "arXiv:2604.06436" in out


def test_trilemma_without_a_cone(capsys) -> None:
    code, out, _ = run(
        capsys,
        "trilemma",
        "--gradient",
        "2",
        "--path-lipschitz",
        "1",
        "--defense-lipschitz",
        "1",
        "--dimension",
        "8",
        "--near-mass",
        "1",
        "-T",
        "0.9",
        "--json",
    )
    data = json.loads(out)
    assert (data["mass"], data["cap"], data["cap_unbounded"]) == (0.0, None, True)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [
                "--gradient",
                "0",
                "--path-lipschitz",
                "1",
                "--defense-lipschitz",
                "1",
                "--dimension",
                "3",
                "--near-mass",
                "1",
            ],
            "gradient must be a positive number, got '0'",
        ),
        (
            [
                "--gradient",
                "1",
                "--path-lipschitz",
                "1",
                "--defense-lipschitz",
                "1",
                "-2",
                "--dimension",
                "3",
                "--near-mass",
                "1",
            ],
            r"defense_lipschitz[1] must be a positive number, got '-2'",
        ),
        (
            [
                "--gradient",
                "1",
                "--path-lipschitz",
                "1",
                "--defense-lipschitz",
                "1",
                "--dimension",
                "1.5",
                "--near-mass",
                "1",
            ],
            "dimension must be a whole number >= 2",
        ),
        (
            [
                "--gradient",
                "1",
                "--path-lipschitz",
                "1",
                "--defense-lipschitz",
                "1",
                "--dimension",
                "3",
                "--near-mass",
                "2",
            ],
            "near_mass must be in [0, 1]",
        ),
        (
            ["--gradient", "1", "--path-lipschitz", "1", "--dimension", "3", "--near-mass", "1"],
            "the following arguments are required: --defense-lipschitz",
        ),
    ],
)
def test_trilemma_bad_input_exits_2(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, "trilemma", *argv)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('model = "absorbing"\nQ = [["0.9", "0.2"], ["0.1", "0.5"]]\ninitial = [1, 0]\n', "row 0 of Q"),
        ('model = "absorbing"\nQ = [["1", "0"], ["0.1", "0.5"]]\ninitial = [1, 0]\n', "I - Q is singular"),
        (
            'model = "absorbing"\nQ = [["0.9"]]\ninitial = [1, 0]\n',
            "initial must be a distribution over the 1",
        ),
        (
            'model = "persistent-unsafe"\nmass = "0.001"\nmode = "max"\n'
            '[base]\nmodel = "independent"\nepsilon = "0.1"\n',
            "mode must be 'floor' or 'additive'",
        ),
        ('model = "persistent-unsafe"\nmass = "0.001"\nbase = "independent"\n', "'base' must be a table"),
    ],
)
def test_bad_specs_exit_2(capsys, tmp_path, text: str, message: str) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    code, out, err = run(capsys, "describe", "--spec", str(spec))
    assert code == 2 and message in err and "Traceback" not in err


def test_compare_with_a_mass(capsys) -> None:
    code, out, _ = run(capsys, "compare", "--epsilon", "0.0001", "-T", "0.9", "--mass", "0.001", "--json")
    rows = {row["label"]: row["budget"] for row in json.loads(out)["rows"]}
    assert rows["independent"] == 1053
    assert rows["persistent floor delta = 0.001"] == 105
    assert rows["cap floor(ln T/ln(1-delta))"] == 105
    code, out, _ = run(capsys, "compare", "--epsilon", "0.0001", "-T", "0.9", "--json")
    assert not any("delta" in row["label"] for row in json.loads(out)["rows"])
    code, _, err = run(capsys, "compare", "--epsilon", "0.0001", "-T", "0.9", "--mass", "2")
    assert code == 2 and "--mass must be in [0, 1]" in err


@pytest.mark.parametrize("name", ["absorbing.toml", "persistent-unsafe.toml"])
def test_example_specs_load(name: str) -> None:
    model = load_spec(EXAMPLES / name)
    assert model.budget("0.9").certified
