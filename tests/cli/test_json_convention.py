"""One JSON convention for every command (docs/cli.md): inputs echoed as exact decimal strings,
outputs as numbers, ``--json`` errors as one JSON object on stderr with exit code 2."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from bounds.cli._core import COMMANDS
from bounds.cli._progress import Elapsed, Progress, elapsed_for, progress_for
from tests.cli.running import run, run_json

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "examples" / "specs"
REDTEAM = "generation,trials,failures\n1,2000,40\n2,2000,21\n3,2000,9\n4,2000,6\n"


def _cases(folder: Path) -> dict[str, tuple[list[str], dict[Any, Any]]]:
    """Per command: an argv, and the echoed inputs it must contain (a tuple key reaches a nested object)."""
    data = folder / "redteam.csv"
    data.write_text(REDTEAM)
    out = str(folder / "out")
    return {
        "budget": (["budget", "--epsilon", "0.0010", "-T", "0.605"], {"epsilon": "0.001", "threshold": "0.605"}),
        "survival": (["survival", "--p", "0.999", "-N", "500", "502"], {"epsilon": "0.001"}),
        "compare": (["compare", "--epsilon", "0.001", "-T", "0.9", "--rho", "0.01", "--mass", "0.0001"],
                    {"epsilon": "0.001", "threshold": "0.9", "rho": "0.01", "mass": "0.0001"}),
        "interval": (["interval", "--epsilon", "0.001", "-N", "500", "--rho", "0.05"],
                     {"epsilon": "0.001", "rho": "0.05", "generations": 500}),
        "evidence": (["evidence", "-k", "0", "-n", "1000", "-T", "0.9"],
                     {"confidence": "0.95", "threshold": "0.9", "failures": 0, "trials": 1000}),
        "describe": (["describe", "--spec", str(SPECS / "beta-mixture.toml")], {"mean": "0.001", "rho": "0.01"}),
        "trilemma": (["trilemma", "--gradient", "10", "--path-lipschitz", "1", "--defense-lipschitz", "2",
                      "--dimension", "10", "--near-mass", "0.1", "-T", "0.9"],
                     {"gradient": "10", "near_mass": "0.1", "threshold": "0.9", "dimension": 10}),
        "claim": (["claim", "--p", "0.999", "-N", "500", "--survival", "60.5%"],
                  {"epsilon": "0.001", "stated": "0.605", "claimed_generations": 500}),
        "oversight": (["oversight", "--defect-rate", "0.01", "--miss", "0.1", "0.2", "-T", "0.9"],
                      {"defect_rate": "0.01", "miss": ["0.1", "0.2"], "threshold": "0.9"}),
        "control": (["control", "--attack-success", "0.5", "--auditor-accuracy", "0.9", "--audit-budget", "0.05",
                     "--roc", "3", "1", "--attack-rate", "0.01", "-T", "0.7"], {"threshold": "0.7"}),
        "timeline": (["timeline", "--epsilon", "0.001", "-T", "0.605", "--first-interval", "12",
                      "--acceleration", "0.8"], {"epsilon": "0.001", "threshold": "0.605"}),
        "fit": (["fit", "--data", str(data), "--family", "independent", "--threshold", "0.95"],
                {"threshold": "0.95", "confidence": "0.95"}),
        "sweep": (["sweep", "--epsilon", "0.001,0.01", "-T", "0.5", "-o", out + ".csv"], {"rows": 2}),
        "plot": (["plot", "survival", "--epsilon", "0.001", "-T", "0.605", "-o", out + ".png"],
                 {"threshold": "0.605"}),
        "derive": (["derive", "--epsilon", "0.001", "-T", "0.605", "--format", "markdown"], {"budget": 502}),
        "report": (["report", "--epsilon", "0.0010", "-T", "0.605", "--format", "markdown", "-o", out + ".md"],
                   {"threshold": "0.605", "budgets": [502]}),
        "demo": (["demo"], {"epsilon": "0.001", ("budget_0.605", "threshold"): "0.605"}),
    }


def _get(data: dict[str, Any], key: str | tuple[str, ...]) -> Any:
    for part in (key,) if isinstance(key, str) else key:
        data = data[part]
    return data


#: Commands whose JSON is built outside bounds/cli/_json.py (another module's owner): their inputs
#: are not all echoed as strings yet; checked for valid JSON and the listed keys only.
NOT_YET_ON_THE_CONVENTION: dict[str, str] = {}


def test_every_command_is_covered(tmp_path: Path) -> None:
    with_json = {name for name, entry in COMMANDS.items() if entry.json_option}  # not `serve`: it prints no result
    assert with_json <= set(_cases(tmp_path)), "add the new command to _cases with the inputs it echoes"
    assert "budget" in with_json and "serve" not in with_json


@pytest.mark.parametrize("name", sorted(name for name, entry in COMMANDS.items() if entry.json_option))
def test_inputs_are_echoed_exactly(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if name == "plot":
        pytest.importorskip("matplotlib")
    argv, expected = _cases(tmp_path)[name]
    data = run_json(capsys, *argv)
    for key, value in expected.items():
        assert _get(data, key) == value, (name, key)
    if name not in NOT_YET_ON_THE_CONVENTION and "threshold" in data:
        assert isinstance(data["threshold"], str)


def test_budget_outputs_are_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "budget", "--epsilon", "1e-300", "-T", "0.9")
    assert isinstance(data["budget"], int) and len(str(data["budget"])) == 300  # exact, however large
    assert isinstance(data["survival_at_budget"], float) and data["epsilon"] == "1e-300"
    tiny = run_json(capsys, "budget", "--epsilon", "0.5", "-T", "1e-4000")
    assert tiny["threshold"] == "1e-4000" and tiny["budget"] == 13287


def test_survival_takes_several_generations(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "survival", "--epsilon", "0.001", "-N", "500", "502")
    assert [row["generations"] for row in data["rows"]] == [500, 502]
    assert [round(row["survival"], 4) for row in data["rows"]] == [0.6064, 0.6052]  # DESIGN's running example
    assert "survival" not in data  # only a single N is also at the top level
    single = run_json(capsys, "survival", "--epsilon", "0.001", "-N", "500")
    assert single["survival"] == single["rows"][0]["survival"]
    code, out, _ = run(capsys, "survival", "--epsilon", "0.001", "-N", "500", "502")
    assert code == 0 and out.count("S(") == 2


def test_compare_takes_specs(capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(SPECS / "independent.toml")
    data = run_json(capsys, "compare", "--epsilon", "0.001", "-T", "0.605", "--spec", spec,
                    "--spec", str(SPECS / "beta-mixture.toml"))
    rows = {row["label"].split(":")[0]: row["budget"] for row in data["rows"]}
    assert rows["independent.toml"] == 502 and rows["beta-mixture.toml"] == 15667  # DESIGN §4
    only = run_json(capsys, "compare", "-T", "0.605", "--spec", spec)
    assert [row["budget"] for row in only["rows"]] == [502] and only["spec"] == [spec]
    code, _, err = run(capsys, "compare", "-T", "0.605")
    assert code == 2 and "--epsilon" in err


def test_claim_acceptance(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "claim", "--p", "0.999", "--generations", "500", "--survival", "60.5%")
    assert data["consistent"] is False and data["generations"] == [502, 503]
    assert round(data["survival"], 4) == 0.6064
    assert run_json(capsys, "claim", "--p", "0.999", "--generations", "50", "--survival", "95.12%")["consistent"]
    code, out, _ = run(capsys, "claim", "--epsilon", "0.001", "-N", "500", "--survival", "60.5%")
    assert code == 0 and "inconsistent" in out and "N = 502 to 503" in out


def test_evidence_confidence_defaults_to_the_python_default(capsys: pytest.CaptureFixture[str]) -> None:
    from bounds import from_evidence

    data = run_json(capsys, "evidence", "-k", "0", "-n", "1000", "-T", "0.9")
    assert data["epsilon_upper"] == pytest.approx(from_evidence(0, 1000).epsilon_upper, rel=1e-15)
    assert data["epsilon_upper"] == pytest.approx(1 - 0.05 ** (1 / 1000), rel=1e-12)  # DESIGN §4: 0.0029912


def test_interval_lp_is_visible(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["interval", "--epsilon", "0.0001", "-N", "3000", "--rho", "0.01"]
    _, without, _ = run(capsys, *argv)
    _, with_lp, _ = run(capsys, *argv, "--lp")
    assert "LP           not solved" in without and "binomial-moment LP" in with_lp
    assert run_json(capsys, *argv, "--lp")["lp_solved"] is True


@pytest.mark.parametrize(
    ("argv", "parameter"),
    [
        (["budget", "--epsilon", "1.5", "-T", "0.5"], "epsilon"),
        (["claim", "--p", "0.999", "-N", "500", "--survival", "160%"], "survival"),
        (["survival", "--epsilon", "0.1", "-N", "2.5"], "--generations"),
        (["budget", "--epsilon", "0.1"], None),  # argparse: a usage error
        (["compare", "-T", "0.5"], None),
    ],
)
def test_json_errors_are_one_object_on_stderr(
    argv: list[str], parameter: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 2 and out == "" and err.count("\n") == 1
    error = json.loads(err)
    assert set(error) == {"error", "type", "parameter", "valid", "value", "exit_code"}
    assert error["exit_code"] == 2 and error["parameter"] == parameter
    assert not error["error"].startswith("bounds")  # the message alone
    if parameter is not None:
        assert error["valid"] and error["type"] == "ParameterError"
    _, _, plain = run(capsys, *argv)
    assert plain == f"bounds: error: {error['error']}\n"  # one prefix, without --json


def test_one_error_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "budget", "--epsilon", "0.1", "-T", "0.5", "--rho", "0.1")
    assert code == 2 and err.startswith("bounds: error: --rho needs --dependence any")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_not_quiet() -> None:
    class Args:
        quiet = False

    assert progress_for(Args(), "x", io.StringIO()) is None  # not a terminal
    quiet = Args()
    quiet.quiet = True
    assert progress_for(quiet, "x", FakeTerminal()) is None
    assert isinstance(progress_for(Args(), "x", FakeTerminal()), Progress)


def test_elapsed_line_only_on_a_terminal_and_not_quiet() -> None:
    import contextlib

    class Args:
        quiet = False

    assert isinstance(elapsed_for(Args(), "bounds budget", io.StringIO()), contextlib.nullcontext)
    quiet = Args()
    quiet.quiet = True
    assert isinstance(elapsed_for(quiet, "bounds budget", FakeTerminal()), contextlib.nullcontext)
    stream = FakeTerminal()
    with elapsed_for(Args(), "bounds budget", stream) as line:
        assert isinstance(line, Elapsed)
    assert line.line(12.3) == "bounds budget: working, 12 s"
    assert stream.getvalue() in ("", "\r" + " " * line.width + "\r")  # erased if it was drawn at all


def test_progress_line_after_a_second_then_erased() -> None:
    times = iter([0.0, 0.5, 1.5, 1.6, 2.0])
    stream = FakeTerminal()
    progress = Progress("bounds sweep", stream, clock=lambda: next(times))
    progress(10, 100)  # 0.5 s: too early
    assert stream.getvalue() == ""
    progress(50, 100)  # 1.5 s: drawn
    assert stream.getvalue() == "\rbounds sweep: 50 / 100 (50%)"
    progress(60, 100)  # 1.6 s: too soon after the last line
    progress(100, 100)  # 2.0 s
    assert stream.getvalue().endswith("\rbounds sweep: 100 / 100 (100%)")
    progress.close()
    assert stream.getvalue().endswith("\r" + " " * len("bounds sweep: 100 / 100 (100%)") + "\r")


def test_sweep_prints_no_progress_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "sweep", "--epsilon", "log:1e-6:1e-1:300", "-T", "lin:0.01:0.99:300",
                         "--chunk-size", "1000", "-o", str(tmp_path / "grid.csv"))
    assert code == 0 and err == "" and "90,000 grid points" in out


def test_describe_is_complete_for_every_registered_family(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bounds.models.registry import load_spec, registered

    layer = tmp_path / "oversight.toml"
    layer.write_text('model = "oversight"\ndefect_rate = "0.01"\nmiss = ["0.1", "0.2"]\n')
    game = tmp_path / "control.toml"
    game.write_text('model = "control"\nattack_success = "0.5"\nauditor_accuracy = "0.9"\naudit_budget = "0.05"\n'
                    'roc_points = [["0.05", "0.5"]]\nepsilon = "0.001"\n')
    specs = [*sorted(SPECS.glob("*.toml")), layer, game]
    assert {load_spec(path).name for path in specs} == set(registered())
    for path in specs:
        data = run_json(capsys, "describe", "--spec", str(path))
        for key in ("decay_rate", "mean_generations"):
            assert key in data and data[f"{key}_note"], (path.name, key)
            assert data[key] is not None or "not" in data[f"{key}_note"] or "infinite" in data[f"{key}_note"]
    data = run_json(capsys, "describe", "--spec", str(layer))
    # independent monitors: epsilon = d q1 q2 = 0.01 * 0.1 * 0.2 = 0.0002, a constant rate
    assert data["decay_rate"] == pytest.approx(0.9998, rel=1e-15) and data["mean_generations"] == pytest.approx(5000)
    control = run_json(capsys, "describe", "--spec", str(game))
    assert control["mean_generations"] is None and control["mean_generations_note"].startswith("infinite")
