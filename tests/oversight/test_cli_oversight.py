"""``bounds oversight``: the acceptance call, the 'any' interval, specs and one-line errors."""

from __future__ import annotations

import json

import pytest

import bounds
from bounds.oversight import ControlGame, Oversight
from tests.cli.running import run


def test_acceptance_independent_three_monitors(capsys) -> None:
    code, out, err = run(
        capsys, "oversight", "--defect-rate", "0.01", "--miss", "0.1", "--monitors", "3", "--vote", "1",
        "--dependence", "independent", "--threshold", "0.9", "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["layer_miss"] == 0.001
    assert data["epsilon"] == 1e-05
    assert data["budget"] == bounds.budget(epsilon="1e-5", threshold="0.9").n == 10535
    assert data["certified"] is True
    assert "effective_monitors" not in data


def test_any_gives_guaranteed_and_possible(capsys) -> None:
    code, out, _ = run(capsys, "oversight", "--defect-rate", "0.01", "--miss", "0.1", "0.2", "0.3", "--vote", "2",
                       "--dependence", "any", "--threshold", "0.9", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["layer_miss"] == [0, 0.3]
    assert data["budget_guaranteed"] == bounds.budget(epsilon="0.003", threshold="0.9").n
    assert data["budget_possible"] is None and data["unbounded_possible"] is True


def test_exchangeable_effective_monitors_and_text(capsys) -> None:
    code, out, _ = run(capsys, "oversight", "--defect-rate", "0.01", "--miss", "0.1", "--monitors", "3",
                       "--dependence", "exchangeable", "--rho", "0.5", "--threshold", "0.9", "--json")
    data = json.loads(out)
    assert data["layer_miss"] == 0.0385 and data["effective_monitors"] == 1.5
    code, out, _ = run(capsys, "oversight", "--defect-rate", "0.01", "--miss", "0.1", "--monitors", "3",
                       "--dependence", "mgl", "--greek", "0.5", "0.3", "--threshold", "0.9")
    assert code == 0 and "layer miss" in out and "N* =" in out


def test_spec(capsys, tmp_path) -> None:
    spec = tmp_path / "layer.toml"
    spec.write_text('model = "oversight"\ndefect_rate = "0.01"\nmiss = "0.1"\nmonitors = 3\n'
                    'dependence = "beta-factor"\nbeta = "0.5"\n')
    code, out, _ = run(capsys, "oversight", "--spec", str(spec), "--threshold", "0.9", "--json")
    assert code == 0
    assert json.loads(out)["layer_miss"] == 0.05011875


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--miss", "1.5", "--defect-rate", "0.01"], "miss must be in [0, 1]"),
     (["--miss", "0.1", "--defect-rate", "0.01", "--dependence", "beta-factor"], "beta must be given"),
     (["--miss", "0.1", "--monitors", "2", "--vote", "3", "--defect-rate", "0.01"], "vote"),
     (["--defect-rate", "0.01"], "--miss is required"),
     (["--miss", "0.1", "--defect-rate", "x"], "defect_rate")],
)
def test_bad_input_is_one_line_exit_2(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, "oversight", *argv, "--threshold", "0.9")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_control_json(capsys) -> None:
    from bounds.oversight import ControlGame

    code, out, err = run(capsys, "control", "--attack-success", "0.5", "--auditor-accuracy", "0.9", "--audit-budget",
                         "0.05", "--roc", "3", "1", "--attack-rate", "0.01", "--threshold", "0.7", "--generations",
                         "100", "--json")
    assert code == 0, err
    data = json.loads(out)
    game = ControlGame("0.5", "0.9", "0.05", roc=(3, 1), attack_rate="0.01")
    assert data["budget"] == game.budget("0.7").n == 230
    assert data["safety"] == pytest.approx(game.survival(100), rel=1e-15)
    assert data["min_audit_budget"] == game.min_audit_budget(100, "0.7").audit_budget


def test_control_points_spec_and_text(capsys, tmp_path) -> None:
    spec = tmp_path / "game.toml"
    spec.write_text('model = "control"\nattack_success = "0.5"\nauditor_accuracy = "0.9"\naudit_budget = "0.05"\n'
                    'roc_points = [["0.05", "0.5"]]\nepsilon = "0.001"\n')
    code, out, _ = run(capsys, "control", "--spec", str(spec), "--threshold", "0.7", "--json")
    assert code == 0 and json.loads(out)["budget"] == 1565
    code, out, _ = run(capsys, "control", "--roc-points", "0.05,0.5", "--attack-success", "0.5", "--auditor-accuracy",
                       "0.9", "--audit-budget", "0.05", "--epsilon", "0.001", "--threshold", "0.7")
    assert code == 0 and "N* = 1565" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--roc", "3", "1", "--attack-success", "1.5", "--auditor-accuracy", "0.9", "--audit-budget", "0.1"],
      "attack_success must be in [0, 1]"),
     (["--roc", "3", "0", "--attack-success", "0.5", "--auditor-accuracy", "0.9", "--audit-budget", "0.1"], "roc b"),
     (["--roc", "3", "1", "--attack-success", "0.5", "--auditor-accuracy", "0.9"], "--audit-budget is required"),
     (["--roc-points", "0.5", "--attack-success", "0.5", "--auditor-accuracy", "0.9", "--audit-budget", "0.1"],
      "fpr,tpr")],
)
def test_control_bad_input(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, "control", *argv, "--threshold", "0.9")
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_compare_shows_oversight_and_control_rows(capsys) -> None:
    from bounds.cli import main

    argv = ["compare", "--epsilon", "0.001", "-T", "0.605", "--miss", "0.1", "--monitors", "3", "--monitor-beta",
            "0.1", "--monitor-rho", "0.5", "--json"]
    assert main(argv) == 0
    rows = {row["label"]: row["budget"] for row in json.loads(capsys.readouterr().out)["rows"]}
    # M = 0.001 (independent), 0.0107217 (beta-factor), 0.0385 (shared difficulty), 0.1 (any: the best monitor)
    assert rows["oversight 1-of-3, independent monitors"] == Oversight("0.001", "0.1", monitors=3).budget("0.605").n
    assert rows["oversight 1-of-3, any dependence: guaranteed"] == 5025 and rows["independent"] == 502
    argv = ["compare", "--epsilon", "0.01", "-T", "0.7", "--audit-budget", "0.05", "--roc", "3", "1",
            "--attack-success", "0.5", "--auditor-accuracy", "0.9", "--attack-rate", "0.01", "--json"]
    assert main(argv) == 0
    rows = {row["label"]: row["budget"] for row in json.loads(capsys.readouterr().out)["rows"]}
    game = ControlGame("0.5", "0.9", "0.05", roc=(3, 1), attack_rate="0.01", epsilon="0.01")
    assert rows["control game, audit budget f=0.05, attack rate p=0.01"] == game.budget("0.7").n
    assert main(["compare", "--epsilon", "0.01", "-T", "0.7", "--roc", "3", "1"]) == 2
    assert "attack_success" in capsys.readouterr().err
