"""Every command quoted in issue 11: exit 2 with one line, or success with the right value.

The truths are independent: mpmath at high precision for ln S, exact integers for S1, the
closed forms of the constant-rate model, and the file system itself for outputs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest

import bounds
from bounds.errors import BoundsError, ParameterError
from tests.cli.running import run
from tests.conftest import make_device_node

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "examples" / "specs"


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run a command that must be refused: exit 2, exactly one line on stderr; return that line."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (code, out, err)
    assert err.count("\n") == 1 and err.startswith("bounds: error: "), err
    assert "Traceback" not in err and "internal error" not in err
    return err


def ok_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- values beyond the float range -------------------------------------------------------------


def test_survival_at_n_1e400_prints_the_finite_log(capsys: pytest.CaptureFixture[str]) -> None:
    with mpmath.workdps(450):
        truth = mpmath.mpf(10) ** 400 * mpmath.log1p(mpmath.mpf(-1) / 1000)
    data = ok_json(capsys, "survival", "--epsilon", "0.001", "-N", "1e400")
    assert isinstance(data["log_survival"], str)  # beyond the float range: a decimal string
    with mpmath.workdps(30):
        assert abs(mpmath.mpf(data["log_survival"]) / truth - 1) < mpmath.mpf(10) ** -15
    assert data["survival"] == 0.0
    code, out, _ = run(capsys, "survival", "--epsilon", "0.001", "-N", "1e400")
    assert code == 0 and "ln S = -1.00050033358e397" in out and "inf" not in out


def test_survival_at_n_1e4000_is_closed_form_with_an_exact_exponent(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok_json(capsys, "survival", "--epsilon", "0.001", "-N", "1e4000")
    with mpmath.workdps(4100):
        log10 = mpmath.mpf(10) ** 4000 * mpmath.log10(mpmath.mpf(999) / 1000)
        exponent = int(mpmath.floor(log10))
        mantissa = mpmath.power(10, log10 - exponent)
        natural = mpmath.mpf(10) ** 4000 * mpmath.log1p(mpmath.mpf(-1) / 1000)
    shown_mantissa, _, shown_exponent = data["survival_decimal"].partition("e")
    assert int(shown_exponent) == exponent
    assert float(shown_mantissa) == pytest.approx(float(mantissa), rel=1e-13)
    with mpmath.workdps(30):
        assert abs(mpmath.mpf(data["log_survival"]) / natural - 1) < mpmath.mpf(10) ** -15


def test_survival_with_epsilon_one_is_zero(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok_json(capsys, "survival", "--epsilon", "1", "-N", "1e400")
    assert data["survival"] == 0.0 and data["log_survival"] == "-inf" and data["survival_decimal"] == "0"


def test_interval_at_n_1e400_is_exact(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok_json(capsys, "interval", "--epsilon", "0.001", "-N", "1e400")
    assert data["S1"] == 10**397  # N * epsilon, exactly
    assert data["survival_lower"] == 0.0 and data["survival_upper"] == 0.999


def test_evidence_with_1e400_trials_keeps_its_bound(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok_json(capsys, "evidence", "-k", "0", "-n", "1e400", "-c", "0.95", "-T", "0.9")
    assert data["posterior_predictive_budget"] is None
    assert "float range" in data["posterior_predictive_budget_error"]


def test_trilemma_with_a_tiny_gradient_has_no_cone(capsys: pytest.CaptureFixture[str]) -> None:
    data = ok_json(capsys, "trilemma", "--gradient", "1e-400", "--path-lipschitz", "1",
                   "--defense-lipschitz", "1", "--dimension", "3", "--near-mass", "0.5")
    assert data["mass"] == 0.0  # c = 2e400 >= 1: no steep cone
    assert data["cos_half_angle"] == "inf"


def test_trilemma_dimension_beyond_the_cap_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, "trilemma", "--gradient", "10", "--path-lipschitz", "1", "--defense-lipschitz", "1",
                   "--dimension", "1e30", "--near-mass", "0.5", "-T", "0.9")
    assert "dimension must be a whole number in [2, 100000]" in line


def test_sweep_refusals_name_the_parameter(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = str(tmp_path / "s.csv")
    assert "epsilon must be in [0, 1]" in refused(capsys, "sweep", "--epsilon", "1e400", "-T", "0.5", "-o", out)
    line = refused(capsys, "sweep", "--epsilon", "log:1e-6:1e-1:1000000000", "-T", "0.5", "-o", out)
    assert "epsilon count must be a whole number in [1, 1e+06]" in line
    assert "float range" in refused(capsys, "sweep", "--epsilon", "lin:0:1e400:3", "-T", "0.5", "-o", out)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(("credibility", "distribution", "fragment"), [
    ("1e-300", "beta", "credibility must be at least 1e-8"),
    ("1e-400", "lognormal", "credibility must be in (0, 1) and within the float range"),
    ("0.99999999999999999", "lognormal", "credibility must be in (0, 1) and within the float range"),
    ("1e-300", "lognormal", "below the float range"),
])
def test_tiny_credibility(capsys: pytest.CaptureFixture[str], credibility: str, distribution: str,
                          fragment: str) -> None:
    line = refused(capsys, "budget", "--epsilon-interval", "0.001", "0.01", "--credibility", credibility,
                   "--distribution", distribution, "-T", "0.5", "--draws", "1000")
    assert fragment in line


def test_dependence_any_with_a_tiny_rho_matches_a_small_rho(capsys: pytest.CaptureFixture[str]) -> None:
    tiny = ok_json(capsys, "budget", "--epsilon", "0.001", "-T", "0.605", "--dependence", "any", "--rho", "1e-3800")
    small = ok_json(capsys, "budget", "--epsilon", "0.001", "-T", "0.605", "--dependence", "any", "--rho", "1e-100")
    assert (tiny["guaranteed"], tiny["possible"]) == (small["guaranteed"], small["possible"])
    assert tiny["guaranteed"] == 395  # floor((1 - T) / epsilon), the Frechet budget


@pytest.mark.parametrize("spec", [
    # a geometric ratio and a persistent-unsafe growth within 1e-3991 of 1, a power law past the float range
    'model = "geometric"\nepsilon1 = "0.01"\nratio = "0.' + "9" * 3995 + '"\n',
    'model = "persistent-unsafe"\nmass = "0.001"\ngrowth = "1.' + "0" * 3990 + '1"\n'
    '[base]\nmodel = "independent"\nepsilon = "0.0001"\n',
    'model = "power"\nepsilon1 = "1e-4000"\nexponent = "1e3000"\n',
])
def test_extreme_specs_end_in_exit_0_or_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, spec: str) -> None:
    path = write(tmp_path / "spec.toml", spec)
    code, out, err = run(capsys, "budget", "--spec", str(path), "-T", "0.5")
    assert code in (0, 2), err
    if code == 2:
        assert err.count("\n") == 1 and "internal error" not in err


# -- spec structure ------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "fragment"), [
    ('model = ["a", "b"]\n', "'model' must be one of"),
    ('model = "rates"\nrates = ' + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ('model = "rates"\nfile = "a\\u0000b"\n', "null byte"),
])
def test_spec_structure_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path, spec: str, fragment: str) -> None:
    path = write(tmp_path / "spec.toml", spec)
    assert fragment in refused(capsys, "budget", "--spec", str(path), "-T", "0.5")


def test_a_spec_file_is_never_echoed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    secret = write(tmp_path / "shadow", "root:$6$very-secret-hash:19000:0:99999:7:::\n")
    spec = write(tmp_path / "spec.toml", f'model = "rates"\nfile = "{secret}"\n')
    line = refused(capsys, "budget", "--spec", str(spec), "-T", "0.5")
    assert "secret" not in line and "root" not in line and "line 1" in line


# -- special files as inputs ---------------------------------------------------------------------


def _special(kind: str, tmp_path: Path) -> str:
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
        return str(path)
    if kind == "directory":
        return str(tmp_path)
    return "/dev/zero"


def _commands(path: str, tmp_path: Path) -> dict[str, list[str]]:
    spec = write(tmp_path / "file-spec.toml", f'model = "rates"\nfile = "{path}"\n')
    return {
        "file =": ["budget", "--spec", str(spec), "-T", "0.5"],
        "--spec": ["budget", "--spec", path, "-T", "0.5"],
        "--pairwise": ["interval", "--epsilon", "0.001", "-N", "3", "--pairwise", path],
        "--band": ["plot", "survival", "--epsilon", "0.001", "-T", "0.5", "--band", path,
                   "-o", str(tmp_path / "p.png")],
        "sweep --spec": ["sweep", "--spec", path, "-T", "0.5", "-o", str(tmp_path / "s.csv")],
    }


@pytest.mark.parametrize("kind", ["directory", "device"])
def test_special_input_files_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str) -> None:
    pytest.importorskip("matplotlib")
    for where, argv in _commands(_special(kind, tmp_path), tmp_path).items():
        assert "must be a regular file" in refused(capsys, *argv), where


@pytest.mark.slow
def test_a_fifo_never_blocks(tmp_path: Path) -> None:
    # in a subprocess with a generous timeout: a FIFO without a writer would block a plain open()
    pytest.importorskip("matplotlib")
    for where, argv in _commands(_special("fifo", tmp_path), tmp_path).items():
        completed = subprocess.run(
            [sys.executable, "-m", "bounds", *argv], capture_output=True, text=True, timeout=60,
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
        )
        assert completed.returncode == 2, (where, completed.stderr)
        assert "FIFO" in completed.stderr and completed.stderr.count("\n") == 1, where


# -- outputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["", "{tmp}/folder/", "{tmp}/folder", "{device}"])
def test_refused_outputs(capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str) -> None:
    (tmp_path / "folder").mkdir()
    device = make_device_node(tmp_path / "folder") if target == "{device}" else ""
    path = target.format(tmp=tmp_path, device=device)
    before = os.stat(path) if path else None
    refused(capsys, "derive", "--epsilon", "0.001", "-T", "0.5", "-o", path)
    if before is not None:
        after = os.stat(path)
        assert (after.st_ino, stat.S_IFMT(after.st_mode)) == (before.st_ino, stat.S_IFMT(before.st_mode))
    private = [Path(device).name] if device.startswith(str(tmp_path)) else []
    assert os.listdir(tmp_path) == ["folder"] and os.listdir(tmp_path / "folder") == private


def test_output_onto_a_symlink_updates_its_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    real = write(tmp_path / "real.md", "old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    code, _, err = run(capsys, "derive", "--epsilon", "0.001", "-T", "0.605", "-f", "markdown", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and "502" in real.read_text()


# -- plots past float64's integers ---------------------------------------------------------------


@pytest.mark.parametrize("top", ["1e30", "1e300"])
def test_plot_survival_to_huge_generation_counts(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                 top: str) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "p.png"
    code, text, err = run(capsys, "plot", "survival", "--epsilon", "0.001", "-T", "0.5",
                          "--max-generations", top, "-o", str(out), "--dpi", "40", "--json")
    assert code == 0, err
    data = json.loads(text)
    assert data["models"][0]["budget"] == 692 and out.read_bytes()[:4] == b"\x89PNG"


def test_heatmap_down_to_1e_300(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code, _, err = run(capsys, "plot", "heatmap", "--epsilon-min", "1e-300", "--epsilon-count", "3",
                       "--threshold-count", "2", "--dpi", "40", "-o", str(tmp_path / "h.png"))
    assert code == 0, err


# -- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["١٢٣", "1_000", "１２３", "1e1_0"])
def test_only_ascii_decimal_literals_are_numbers(capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert "ASCII decimal number" in refused(capsys, "survival", "--epsilon", "0.001", "-N", text)
    with pytest.raises(ParameterError, match="ASCII decimal number"):
        bounds.budget(epsilon=text, threshold=0.5)


def test_exhaustion_is_a_too_large_error(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bounds.cli import _core

    for error in (MemoryError(), RecursionError("maximum recursion depth exceeded"), OverflowError("big")):
        def explode(args: object, error: BaseException = error) -> None:
            raise error

        monkeypatch.setitem(_core.COMMANDS, "demo", dataclasses.replace(_core.COMMANDS["demo"], run=explode))
        monkeypatch.delenv("BOUNDS_DEBUG", raising=False)
        assert "the input is too large" in refused(capsys, "demo")


# -- API shapes ----------------------------------------------------------------------------------


def test_api_shape_errors_name_the_parameters() -> None:
    with pytest.raises(ParameterError, match="threshold must be a number or a rectangular array"):
        bounds.budget(epsilon=0.1, threshold=[0.5, [0.5, 0.6]])
    with pytest.raises(ParameterError, match="n must be a non-empty array"):
        bounds.max_epsilon([], [0.5, 0.6])
    with pytest.raises(ParameterError, match="epsilon and threshold must be arrays of broadcastable shapes"):
        bounds.budget(epsilon=[0.1, 0.2, 0.3], threshold=[0.5, 0.6])
    with pytest.raises(ParameterError, match="epsilon and n must be arrays of broadcastable shapes"):
        bounds.survival(epsilon=[0.1, 0.2, 0.3], n=[1, 2])
    with pytest.raises(BoundsError, match="n and threshold"):
        bounds.max_epsilon([1, 2, 3], [0.5, 0.6])


def test_zero_dimensional_arrays_are_scalars() -> None:
    result = bounds.budget(epsilon=np.array(0.001), threshold=0.605)
    assert isinstance(result, bounds.Budget) and result.n == 502
    assert bounds.budget(p=np.array("0.9"), threshold=np.array(0.81)).n == 2  # 0.9**2 == 0.81 exactly
    value = bounds.survival(epsilon=np.array(0.001), n=np.array(500))
    assert isinstance(value, float) and value == pytest.approx(float(mpmath.mpf("0.999") ** 500), rel=1e-14)
    allowed = bounds.max_epsilon(np.array(2), np.array(0.81))
    assert isinstance(allowed, float) and Fraction(repr(allowed)) == Fraction(1, 10)
