"""bounds.report.plot and `bounds plot`: files are real figures and the plotted data is the API's data."""

from __future__ import annotations

import json
import os
import stat
import struct
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from bounds import Independent, budget  # noqa: E402
from bounds.cli import main  # noqa: E402
from bounds.errors import ParameterError  # noqa: E402
from bounds.models import Rates  # noqa: E402
from bounds.report.plot import heatmap_figure, save_figure, survival_figure  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _by_gid(axes, gid):
    return [artist for artist in axes.get_children() if artist.get_gid() == gid]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _independent_survival(epsilon: str, n: int) -> float:
    with mpmath.workdps(50):
        return float((1 - mpmath.mpf(epsilon)) ** n)


def test_survival_curve_data_is_the_models_survival() -> None:
    models = [Independent(epsilon="0.001"), Independent(epsilon="0.0001")]
    figure = survival_figure(models, "0.605")
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_yscale() == "log"
    for index, epsilon in enumerate(["0.001", "0.0001"]):
        (curve,) = _by_gid(axes, f"survival:{index}")
        counts, values = curve.get_xdata(), curve.get_ydata()
        assert counts[0] == 1 and np.all(np.diff(counts) > 0)
        for n, value in zip(counts[::37], values[::37], strict=True):
            assert value == pytest.approx(_independent_survival(epsilon, int(n)), rel=1e-12)
    # the right end is four times the largest budget (5025 at eps = 1e-4)
    assert axes.get_xlim()[1] == pytest.approx(4 * 5025)
    (threshold_line,) = _by_gid(axes, "threshold")
    assert set(threshold_line.get_ydata()) == {0.605}
    (marker,) = _by_gid(axes, "budget:0")
    assert list(marker.get_xdata()) == [502]
    assert marker.get_ydata()[0] == pytest.approx(_independent_survival("0.001", 502), rel=1e-12)
    labels = [curve.get_label() for curve in (_by_gid(axes, "survival:0") + _by_gid(axes, "survival:1"))]
    assert labels == ["Independent(epsilon=0.001)  (N* = 502)", "Independent(epsilon=0.0001)  (N* = 5,025)"]


def test_survival_figure_marks_unbounded_and_draws_band() -> None:
    forever = Rates(["0.1", "0"])  # S = 0.9 for every N >= 1: unbounded at T = 0.605
    counts = np.arange(0, 2001)
    lower, upper = np.maximum(0.0, 1 - counts * 0.001), np.where(counts == 0, 1.0, 0.999)
    figure = survival_figure(
        [forever, Independent(epsilon="0.001")], 0.605, labels=["floor", "indep"], band=(counts, lower, upper)
    )
    axes = figure.axes[0]
    assert _by_gid(axes, "survival:0")[0].get_label() == "floor  (unbounded)"
    assert survival_figure(forever, 0.605).axes[0].get_xlim() == (1, 10**4)
    assert not _by_gid(axes, "budget:0")
    (band,) = _by_gid(axes, "band")
    vertices = band.get_paths()[0].vertices
    # the polygon runs along the upper edge and back along the lower edge, from n = 1 (log axis)
    assert vertices[:, 0].min() == 1 and vertices[:, 0].max() == 2000
    assert np.isclose(vertices[:, 1].max(), 0.999)


@pytest.mark.parametrize(
    ("band", "match"),
    [
        (([1, 2], [0.5], [0.6, 0.7]), "one length"),
        (([1, 2], [0.5, 0.8], [0.6, 0.7]), "lower <= upper"),
        (([1, 2], [0.5, 0.6], [0.6, 1.5]), "upper <= 1"),
        ("nonsense", "three arrays"),
    ],
)
def test_bad_band_is_refused(band, match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        survival_figure(Independent(epsilon="0.01"), "0.5", band=band)


def test_heatmap_grid_is_the_vectorised_budget_and_exact() -> None:
    epsilons = np.geomspace(1e-5, 1e-1, 9)
    thresholds = np.asarray([0.1, 0.5, 0.605, 0.81, 0.9, 0.99])
    figure = heatmap_figure(epsilons, thresholds, mark=[("0.001", "0.605")])
    axes = figure.axes[0]
    (mesh,) = _by_gid(axes, "budget-grid")
    plotted = np.ma.asarray(mesh.get_array()).reshape(len(epsilons), len(thresholds))
    expected = budget(epsilon=epsilons[:, None], threshold=thresholds[None, :]).n
    assert np.array_equal(plotted.filled(0), np.asarray(expected.filled(0), dtype=float))
    # independently, from the definition: (1-eps)^N* >= T > (1-eps)^(N*+1), exactly where N* is small
    # (the grid has exact ties: 0.9^1 = 0.9, 0.9^2 = 0.81, 0.99^1 = 0.99) and at 60 digits elsewhere
    for i, epsilon in enumerate(epsilons):
        for j, level in enumerate(thresholds):
            n = int(plotted.filled(0)[i, j])
            keep, target = 1 - Fraction(repr(float(epsilon))), Fraction(repr(float(level)))
            if n <= 50:
                assert keep**n >= target > keep ** (n + 1)
            else:
                with mpmath.workdps(60):
                    ratio = mpmath.log(mpmath.mpf(target.numerator) / target.denominator) / mpmath.log(
                        mpmath.mpf(keep.numerator) / keep.denominator
                    )
                    assert n == int(mpmath.floor(ratio)) and ratio - n > mpmath.mpf(10) ** -40
    assert axes.get_yscale() == "log"
    (mark,) = _by_gid(axes, "mark")
    assert (mark.get_xdata()[0], mark.get_ydata()[0]) == (0.605, 0.001)
    assert any(text.get_text() == "N* = 502" for text in axes.texts)


def test_heatmap_contours_sit_at_round_budgets() -> None:
    figure = heatmap_figure()
    contour_sets = [artist for artist in figure.axes[0].get_children() if hasattr(artist, "levels")]
    (contours,) = contour_sets
    levels = list(contours.levels)
    assert levels[:4] == [3.0, 10.0, 30.0, 100.0]
    assert all(str(int(level)).lstrip("13").strip("0") == "" for level in levels)


def test_cli_survival_writes_png_and_reports_budget(tmp_path: Path, capsys) -> None:
    output = tmp_path / "s.png"
    code = main(
        ["plot", "survival", "--epsilon", "0.001", "--threshold", "0.605", "-o", str(output), "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["models"] == [{"model": "Independent(epsilon=0.001)", "budget": 502, "unbounded": False}]
    content = output.read_bytes()
    assert _png_size(content) == (1280, 880)  # 6.4 x 4.4 inches at 200 dpi
    assert data["bytes"] == len(content) > 20_000
    assert sorted(path.name for path in tmp_path.iterdir()) == ["s.png"]  # no temporary left behind


def test_cli_survival_several_models_and_band(tmp_path: Path, capsys) -> None:
    band = tmp_path / "band.csv"
    band.write_text("n,lower,upper\n0,1,1\n100,0.9,0.95\n500,0.5,0.7\n")
    output = tmp_path / "s.pdf"
    code = main(
        [
            "plot",
            "survival",
            "--epsilon",
            "0.001",
            "--spec",
            str(ROOT / "examples/specs/independent.toml"),
            "--threshold",
            "0.5",
            "--band",
            str(band),
            "-o",
            str(output),
        ]
    )
    assert code == 0
    assert "N* = 692" in capsys.readouterr().out
    assert output.read_bytes()[:5] == b"%PDF-"


def test_cli_heatmap_writes_png(tmp_path: Path, capsys) -> None:
    output = tmp_path / "h.png"
    code = main(
        [
            "plot",
            "heatmap",
            "-o",
            str(output),
            "--epsilon-count",
            "30",
            "--threshold-count",
            "20",
            "--dpi",
            "100",
        ]
    )
    assert code == 0
    assert "30 x 20 budgets" in capsys.readouterr().out
    assert _png_size(output.read_bytes()) == (640, 480)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["survival", "--threshold", "0.6"], "give at least one --epsilon E or --spec FILE"),
        (["survival", "--epsilon", "2", "--threshold", "0.6"], "epsilon must be in [0, 1], got '2'"),
        (
            ["survival", "--epsilon", "0.1", "--threshold", "0.6", "--label", "a", "--label", "b"],
            "--label must be",
        ),
        (["heatmap", "--epsilon-min", "0"], "--epsilon-min must be positive"),
        (["heatmap", "--mark", "0.001"], "--mark must be two numbers"),
    ],
)
def test_cli_errors_are_one_line(tmp_path: Path, capsys, arguments: list[str], message: str) -> None:
    code = main(["plot", *arguments, "-o", str(tmp_path / "x.png")])
    error = capsys.readouterr().err
    assert code == 2
    assert message in error and error.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_cli_refuses_unknown_format_and_missing_folder(tmp_path: Path, capsys) -> None:
    assert main(["plot", "survival", "--epsilon", "0.1", "-T", "0.5", "-o", str(tmp_path / "x.jpg")]) == 2
    assert "must end in .png, .pdf or .svg" in capsys.readouterr().err
    assert main(["plot", "survival", "--epsilon", "0.1", "-T", "0.5", "-o", str(tmp_path / "no/x.png")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_save_figure_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "f.svg"
    target.write_text("old")
    umask = os.umask(0o022)
    try:
        save_figure(survival_figure(Independent(epsilon="0.01"), "0.5"), target)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # not the 0600 of a temporary file
    assert target.read_text().lstrip().startswith("<?xml")
    assert [path.name for path in tmp_path.iterdir()] == ["f.svg"]


_BLOCK_MATPLOTLIB = """
import sys
sys.modules["matplotlib"] = None  # any import of matplotlib now raises ImportError
import bounds, bounds.cli, bounds.solve.api, bounds.solve.budget, bounds.models, bounds.report.plot
assert bounds.budget_module_ok if False else True
print(bounds.budget(epsilon="0.001", threshold="0.605").n)
try:
    bounds.report.plot.survival_figure(bounds.Independent(epsilon="0.001"), "0.605")
except ImportError as error:
    print("ImportError:", error)
sys.exit(bounds.cli.main(["plot", "heatmap", "-o", "never.png"]))
"""


@pytest.mark.slow
def test_core_imports_without_matplotlib(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _BLOCK_MATPLOTLIB],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "502", result.stderr
    assert lines[1] == "ImportError: bounds.report.plot needs matplotlib: pip install 'alignment-bounds[plot]'"
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "bounds: error: bounds plot needs matplotlib: pip install 'alignment-bounds[plot]'"
    )
    assert not (tmp_path / "never.png").exists()


def test_a_budget_of_300_digits_is_labelled_in_scientific_notation() -> None:
    model = Independent(epsilon="1e-300")
    n = model.budget("0.605").n
    assert n is not None and len(str(n)) == 300  # floor(ln(1/0.605) * 1e300)
    figure = survival_figure([model], "0.605")
    texts = [text.get_text() for text in figure.axes[0].texts]
    texts += [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert max(len(text) for text in texts) < 60, texts
    with mpmath.workdps(30):  # N* = floor(ln(1/T) / eps) to 5 figures, independently
        shown = mpmath.nstr(mpmath.log(1 / mpmath.mpf("0.605")) * mpmath.mpf(10) ** 300, 5).replace("e+", "e")
    assert shown == "5.0253e299" and shown in texts, texts  # the annotation
