"""Figures in calendar time (needs the ``plot`` extra): survival against dates, and the date distribution.

Same conventions as :mod:`bounds.report.plot`: matplotlib is imported lazily, figures are built on
:class:`matplotlib.figure.Figure` with the Agg canvas (no ``pyplot``), and every function returns
the Figure so the plotted data can be read back; :func:`bounds.report.plot.save_figure` writes it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from bounds.numeric.parse import format_number
from bounds.numeric.parse import threshold as as_threshold
from bounds.report.plot import PALETTE, _new_figure, _style
from bounds.timeline.cadence import Cadence
from bounds.timeline.query import StartDistribution, aligned_probability, format_month, horizon, timeline_model

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["date_distribution_figure", "timeline_figure"]

_MAX_STEPS = 20_000


def _steps(model: Any, cadence: Cadence, months: float) -> tuple[np.ndarray, np.ndarray]:
    """``(t, S)`` of the step function ``S(N(t))`` on ``[0, months]`` (step edges at the ``t_k``)."""
    zeno = None if cadence.zeno is None else float(cadence.zeno)
    end = min(months, zeno) if zeno is not None else months
    last = cadence.generations_by(Fraction(repr(end * (1 - 1e-9)))) or 0
    if last <= _MAX_STEPS:
        ks = np.arange(0, last + 1, dtype=float)
        t = cadence.times(ks)
        s = np.asarray(model.survival(ks), dtype=float)
    else:
        t = np.linspace(0, end, 2000)
        counts = [cadence.generations_by(Fraction(repr(float(x)))) for x in t]
        s = np.asarray(model.survival(np.array(counts, dtype=float)), dtype=float)
    if zeno is not None and months >= zeno:
        t = np.append(t, [zeno, months])
        limit = float(model.limit())
        s = np.append(s, [limit, limit])
    else:
        t, s = np.append(t, months), np.append(s, s[-1])
    return t, s


def timeline_figure(model: Any, cadence: Cadence, threshold: object, start: object = None,
                    months: object = None) -> Figure:
    """Survival against time: ``S(N(t))`` for a known start, ``P(aligned)`` for an uncertain one.

    Parameters
    ----------
    model : model
    cadence : Cadence
    threshold : number
        ``T``, drawn as a horizontal line; the horizon ``t_{N*+1}`` is a vertical line.
    start : Fraction, str or StartDistribution, optional
        A start month (``"YYYY-MM"`` or months since year 0) puts the x axis in calendar years;
        a :class:`StartDistribution` plots ``P(aligned at date)``. Without it, months since the start.
    months : number, optional
        Span of the x axis after the start (default: past the horizon or the Zeno limit).
    """
    from bounds.timeline.query import parse_month

    model = timeline_model(model)
    target = as_threshold(threshold)
    result = horizon(model, cadence, target)
    zeno = None if cadence.zeno is None else float(cadence.zeno)
    reach = result.months if result.months is not None else (zeno if zeno is not None else 120.0)
    span = float(months) if months is not None else 1.25 * reach + 6  # type: ignore[arg-type]
    uncertain = isinstance(start, StartDistribution)
    origin = 0.0
    if isinstance(start, str):
        origin = float(parse_month(start, "start"))
    elif start is not None and not uncertain:
        origin = float(start)  # type: ignore[arg-type]
    with _style():
        figure = _new_figure((8.0, 4.8))
        axes = figure.add_subplot()
        if uncertain:
            assert isinstance(start, StartDistribution)
            first, last = float(start.points[0][0]), float(start.points[-1][0])
            dates = np.linspace(first - 12, last + span, 400)
            values = [aligned_probability(model, cadence, start, Fraction(repr(float(d)))).value for d in dates]
            axes.plot(dates / 12, values, color=PALETTE[0], label="P(aligned at date)")
            axes.axhline(float(start.never), color=PALETTE[4], linestyle=":",
                         label=f"never starts ({float(start.never):g})")
            if result.months is not None:
                for (date, p), style in zip(start.points, ("--", "-."), strict=False):
                    axes.axvline((float(date) + result.months) / 12, color=PALETTE[1], linestyle=style,
                                 label=f"horizon if started {format_month(date)} (F = {float(p):g})")
            axes.set_xlabel("calendar year")
            axes.set_ylabel("probability aligned")
        else:
            t, s = _steps(model, cadence, span)
            x = (origin + t) / 12 if start is not None else t
            axes.step(x, s, where="post", color=PALETTE[0], label="S(N(t))")
            if result.months is not None:
                at = (origin + result.months) / 12 if start is not None else result.months
                shown = format_month(origin + result.months) if start is not None else f"{result.months:.4g} months"
                axes.axvline(at, color=PALETTE[1], linestyle="--",
                             label=f"horizon: generation {result.generation} ({shown})")
            if zeno is not None:
                at = (origin + zeno) / 12 if start is not None else zeno
                axes.axvline(at, color=PALETTE[3], linestyle=":", label=f"Zeno limit ({format_number(zeno)} months)")
            axes.set_xlabel("calendar year" if start is not None else "months after the start")
            axes.set_ylabel("survival S")
        axes.axhline(float(target), color=PALETTE[2], linestyle="-.", label=f"threshold T = {format_number(target)}")
        axes.set_ylim(-0.02, 1.02)
        axes.set_title(f"{model!r}", fontsize=10)
        axes.legend(loc="lower left")
    return figure


def date_distribution_figure(start: StartDistribution, horizon_months: float | None = None) -> Figure:
    """The start CDF ``F`` (with its jump and the 'never starts' mass) and, shifted, the horizon date's CDF."""
    with _style():
        figure = _new_figure((8.0, 4.4))
        axes = figure.add_subplot()
        dates = np.array([float(d) for d, _ in start.points])
        probs = np.array([float(p) for _, p in start.points])
        pad = 12.0
        x = np.concatenate([[dates[0] - pad, dates[0]], dates, [dates[-1] + pad]])
        y = np.concatenate([[0.0, 0.0], probs, [probs[-1]]])
        axes.plot(x / 12, y, color=PALETTE[0], label="start: F(t)")
        axes.plot(dates / 12, probs, "o", color=PALETTE[0])
        if horizon_months is not None:
            axes.plot((x + horizon_months) / 12, y, color=PALETTE[1], linestyle="--",
                      label=f"horizon date: F(t - {horizon_months:.4g} months)")
        axes.axhline(float(probs[-1]), color=PALETTE[4], linestyle=":",
                     label=f"1 - P(never starts) = {probs[-1]:g}")
        axes.set_ylim(-0.02, 1.02)
        axes.set_xlabel("calendar year")
        axes.set_ylabel("cumulative probability")
        axes.legend(loc="upper left")
    return figure
