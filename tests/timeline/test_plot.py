"""Calendar-time figures: the plotted data are the API's numbers (needs the plot extra)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from bounds import Independent, PersistentUnsafe  # noqa: E402
from bounds.cli import main  # noqa: E402
from bounds.models import Geometric  # noqa: E402
from bounds.report.timeline_plot import date_distribution_figure, timeline_figure  # noqa: E402
from bounds.timeline import (  # noqa: E402
    ConstantCadence,
    GeometricCadence,
    StartDistribution,
    aligned_probability,
    horizon,
    parse_month,
)

SEED = GeometricCadence(first="12", ratio="0.8")


def test_survival_steps_threshold_and_horizon_are_the_api_values() -> None:
    model = PersistentUnsafe(Geometric(epsilon1="0.01", ratio="0.5"), mass="0.001")
    cadence = ConstantCadence(interval=1)
    figure = timeline_figure(model, cadence, "0.9")
    lines = figure.axes[0].lines
    t, s = lines[0].get_data()
    for k in (0, 1, 10, 90, 91):
        assert s[int(np.flatnonzero(t == k)[0])] == pytest.approx(float(model.survival(k)), rel=1e-12)
    result = horizon(model, cadence, "0.9")
    xs = {float(line.get_xdata()[0]) for line in lines[1:]}
    assert float(result.months) in xs
    assert any(np.allclose(line.get_ydata(), 0.9) for line in lines[1:])


def test_calendar_axis_and_uncertain_start() -> None:
    model = Independent(epsilon="0.001")
    figure = timeline_figure(model, SEED, "0.605", start="2027-12")
    result = horizon(model, SEED, "0.605")
    xs = [float(line.get_xdata()[0]) for line in figure.axes[0].lines[1:]]
    assert pytest.approx((float(parse_month("2027-12")) + result.months) / 12) in xs
    start = StartDistribution.from_text("2027-12:0.3,2028-12:0.6")
    figure = timeline_figure(model, SEED, "0.605", start=start)
    dates, values = figure.axes[0].lines[0].get_data()
    i = len(dates) // 2
    expected = aligned_probability(model, SEED, start, np.float64(dates[i] * 12).item()).value
    assert values[i] == pytest.approx(expected, rel=1e-9)
    figure = date_distribution_figure(start, result.months)
    x, y = figure.axes[0].lines[2].get_data()
    assert y.max() == pytest.approx(0.6) and x.min() == pytest.approx((float(parse_month("2026-12")) + 60) / 12)


def test_cli_writes_pngs(tmp_path: Path) -> None:
    out, dates = tmp_path / "timeline.png", tmp_path / "dates.png"
    code = main(["timeline", "--epsilon", "0.001", "-T", "0.605", "--first-interval", "12", "--acceleration", "0.8",
                 "--start-cdf", "2027-12:0.3,2028-12:0.6", "--plot", str(out), "--plot-dates", str(dates)])
    assert code == 0
    for path in (out, dates):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
