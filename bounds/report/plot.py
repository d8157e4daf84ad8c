"""Figures of survival curves and budget maps (needs the ``plot`` extra: matplotlib).

matplotlib is imported only when a figure is made, so ``import bounds`` never
needs it. Figures are built on :class:`matplotlib.figure.Figure` with the Agg
canvas, never through ``pyplot``: no global state, no display, safe in
threads and on servers. Every function returns the Figure, so the plotted
data can be read back (``figure.axes[0].lines``) and compared with the API;
:func:`save_figure` writes it atomically.

Figures are meant for print: large type, thick lines, a colour-blind-safe
palette (Okabe and Ito) with distinct line styles so that curves stay apart
in greyscale, and a perceptually uniform colour map (viridis) for budgets.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from bounds._io import write_atomic
from bounds.errors import BoundsError, ParameterError
from bounds.numeric.parse import format_number
from bounds.numeric.parse import threshold as as_threshold

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["heatmap_figure", "save_figure", "survival_figure"]

#: Okabe & Ito (2008) colour-blind-safe palette, in plotting order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))
_STYLE: dict[str, Any] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 12,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "lines.linewidth": 2.2,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "grid.linewidth": 0.6,
}
_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}


@contextmanager
def _style() -> Iterator[Any]:
    try:
        import matplotlib
    except ImportError as error:  # pragma: no cover - exercised only without the extra
        raise ImportError("bounds.report.plot needs matplotlib: pip install 'alignment-bounds[plot]'") from error
    with matplotlib.rc_context(cast(Any, _STYLE)):
        yield matplotlib


def _new_figure(size: tuple[float, float]) -> Figure:
    # a Figure that displays itself in Jupyter (no %matplotlib inline needed)
    from bounds.report._figure import new_figure

    return new_figure(size)


def _generation_grid(top: int, points: int) -> np.ndarray:
    """Whole numbers from 1 to ``top``, log-spaced, every integer where they are dense."""
    if top < 2**62:
        grid = np.unique(np.round(np.geomspace(1, top, points)).astype(np.int64))
        return grid[grid >= 1]
    # beyond int64 (documented up to 1e300): exact Python ints, log-spaced in float, in an object array
    spaced = np.geomspace(1.0, float(top), points)
    counts = sorted({max(1, min(top, int(value))) for value in spaced})
    return np.asarray(counts, dtype=object)


def _decade_ticks(axis: Any, top: float) -> None:
    """About eight ticks at powers of ten from 1 to ``top`` on a log axis.

    matplotlib's own log ticks reach one decade past the axis, which is ``inf`` near 1e300.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    last = int(math.log10(top))
    step = max(1, math.ceil(last / 8))
    axis.set_major_locator(FixedLocator([10.0**k for k in range(0, last + 1, step)]))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"1e{round(math.log10(value))}"))
    axis.set_minor_locator(NullLocator())


def _survival_values(model: Any, counts: np.ndarray) -> np.ndarray:
    """``S(n)`` as floats on the grid: one vectorised call, or one call per count past int64."""
    if counts.dtype != object:
        return np.asarray(model.survival(counts), dtype=np.float64)
    return np.asarray([float(model.survival(int(count))) for count in counts], dtype=np.float64)


def _validate_band(band: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        counts, lower, upper = (np.asarray(part, dtype=np.float64) for part in band)
    except (TypeError, ValueError):
        raise ParameterError("band", "three arrays (n, lower, upper)", band) from None
    if not (counts.ndim == lower.ndim == upper.ndim == 1 and counts.shape == lower.shape == upper.shape):
        raise ParameterError(
            "band", "three one-dimensional arrays of one length", [a.shape for a in (counts, lower, upper)]
        )
    if counts.size == 0:
        raise ParameterError("band", "non-empty arrays", band)
    if not (np.all(np.isfinite(counts)) and np.all(counts >= 0)):
        raise ParameterError("band n", "whole numbers >= 0", counts)
    ordered = (lower >= 0) & (lower <= upper) & (upper <= 1)
    if not ordered.all():
        index = int(np.argmin(ordered))
        raise ParameterError(
            "band",
            "0 <= lower <= upper <= 1 at every n",
            {"n": float(counts[index]), "lower": float(lower[index]), "upper": float(upper[index])},
        )
    return counts, lower, upper


def _budget_label(result: Any) -> str:
    return "unbounded" if result.n is None else f"N* = {_grouped(result.n)}"


def _grouped(n: int) -> str:
    """A budget for a figure: digits grouped in thousands, or ``1.0536e+299`` beyond 15 digits (the text
    and the derivation carry it exactly; a label cannot hold 300 digits)."""
    return f"{n:,}" if n < 10**15 else f"{Decimal(n):.4e}".replace("e+", "e")  # Decimal: ints beyond 1e308


def survival_figure(
    models: Any,
    threshold: Any,
    *,
    labels: Sequence[str] | None = None,
    max_generations: int | None = None,
    band: tuple[Any, Any, Any] | None = None,
    band_label: str = "dependence-free interval",
    points: int = 400,
    size: tuple[float, float] = (6.4, 4.4),
) -> Figure:
    """Survival ``S(N)`` of one or more models on log-scaled axes, with the threshold and each budget.

    Parameters
    ----------
    models : model or sequence of models
        Anything with ``survival(n)`` and ``budget(T)``.
    threshold : number
        ``T`` in ``(0, 1]``; drawn as a horizontal line.
    labels : sequence of str, optional
        Legend labels (default: each model's ``repr``).
    max_generations : int, optional
        Right end of the axis (default: four times the largest finite budget, at least 10;
        ``10**4`` when every budget is unbounded).
    band : (n, lower, upper), optional
        An interval on ``S(n)`` to shade, such as the dependence-free bounds
        given only the marginal rates.
    band_label : str
        Legend label of the band.
    points : int
        Number of log-spaced generation counts per curve.
    size : (width, height)
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The curves are ``Line2D`` artists with ``gid`` ``"survival:<k>"``, the
        threshold ``"threshold"``, the budget markers ``"budget:<k>"`` and the
        band a collection with ``gid`` ``"band"``.

    Examples
    --------
    >>> from bounds import Independent
    >>> figure = survival_figure([Independent(epsilon="0.001")], "0.605")
    >>> {line.get_gid(): line.get_label() for line in figure.axes[0].lines if line.get_gid() != "budget:0"}
    {'survival:0': 'Independent(epsilon=0.001)  (N* = 502)', 'threshold': 'T = 0.605'}
    """
    model_list = list(models) if isinstance(models, (list, tuple)) else [models]
    if not model_list:
        raise ParameterError("models", "at least one model", models)
    if labels is not None and len(labels) != len(model_list):
        raise ParameterError("labels", f"one label per model ({len(model_list)})", labels)
    target = as_threshold(threshold)
    results = [model.budget(target) for model in model_list]
    finite = [int(result.n) for result in results if result.n is not None]
    if max_generations is None:
        # four times the largest budget; a few decades when every budget is unbounded
        top = max([10] + [4 * n for n in finite]) if finite else 10**4
    else:
        top = int(max_generations)
        if top < 2:
            raise ParameterError("max_generations", "a whole number >= 2", max_generations)
    counts = _generation_grid(top, points)
    with _style():
        figure = _new_figure(size)
        axes = figure.add_subplot()
        axes.set_xmargin(0)  # the limits are set below; a log margin past 1e300 would overflow
        lowest = float(target)
        if band is not None:
            band_n, lower, upper = _validate_band(band)
            shown = band_n >= 1
            axes.fill_between(
                band_n[shown],
                np.maximum(lower[shown], 1e-300),
                upper[shown],
                color="0.6",
                alpha=0.35,
                linewidth=0,
                label=band_label,
                gid="band",
                zorder=1,
            )
        for index, (model, result) in enumerate(zip(model_list, results, strict=True)):
            values = _survival_values(model, counts)
            label = labels[index] if labels is not None else repr(model)
            color = PALETTE[index % len(PALETTE)]
            axes.plot(
                counts.astype(np.float64),
                values,
                color=color,
                linestyle=LINESTYLES[index % len(LINESTYLES)],
                label=f"{label}  ({_budget_label(result)})",
                gid=f"survival:{index}",
                zorder=3,
            )
            positive = values[values > 0]
            if positive.size:
                lowest = min(lowest, float(positive.min()))
            if result.n is not None and result.n >= 1:
                at = float(model.survival(result.n))
                axes.plot(
                    [result.n],
                    [at],
                    marker="o",
                    markersize=7,
                    color=color,
                    markeredgecolor="white",
                    linestyle="none",
                    gid=f"budget:{index}",
                    zorder=4,
                    label="_nolegend_",
                )
                # alternate above-right and below-left of the marker (the curve itself runs from
                # upper left to lower right), so that budgets close together stay legible
                above = index % 2 == 0
                axes.annotate(
                    _grouped(result.n),
                    (result.n, at),
                    xytext=(5, 7) if above else (-6, -17),
                    horizontalalignment="left" if above else "right",
                    textcoords="offset points",
                    color=color,
                    fontsize=10,
                    fontweight="bold",
                )
        axes.axhline(
            float(target),
            color="0.25",
            linestyle=(0, (4, 2)),
            linewidth=1.4,
            label=f"T = {format_number(target)}",
            gid="threshold",
            zorder=2,
        )
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlim(1, float(top))
        if top > 10**15:
            _decade_ticks(axes.xaxis, float(top))
        # label 0.1, 0.2, 0.5, 1 rather than only powers of ten: the interesting range is narrow

        axes.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axes.yaxis.set_minor_formatter(NullFormatter())
        # show the curves down to T/20: the budgets are where the curves cross T
        bottom = max(lowest, float(target) / 20, 1e-300)
        axes.set_ylim(bottom / 1.3, 1.08)
        axes.set_xlabel("generations N")
        axes.set_ylabel("survival S(N) = P(aligned through N)")
        axes.set_title(f"Survival and budgets at T = {format_number(target)}")
        axes.legend(loc="lower left", frameon=True, framealpha=0.9)
    return figure


def _round_levels(low: float, high: float) -> list[float]:
    levels = []
    for exponent in range(0, 40):
        for mantissa in (1, 3):
            value = mantissa * 10.0**exponent
            if low < value < high:
                levels.append(value)
    return levels


def _level_text(value: float) -> str:
    if value < 1e4:
        return f"{value:,.0f}"
    exponent = int(math.floor(math.log10(value)))
    mantissa = value / 10**exponent
    return f"{mantissa:.0f}e{exponent}"


def heatmap_figure(
    epsilons: Any = None,
    thresholds: Any = None,
    *,
    mark: Sequence[tuple[Any, Any]] = (),
    size: tuple[float, float] = (6.4, 4.8),
) -> Figure:
    """Budget ``N*`` over a grid of ``epsilon`` (log scale) and ``T``, with contours at round budgets.

    Parameters
    ----------
    epsilons : array_like, optional
        Per-generation failure probabilities (default: 121 values from 1e-6 to 1e-1).
    thresholds : array_like, optional
        Thresholds (default: 0.05 to 0.99 in steps of 0.01).
    mark : sequence of (epsilon, T)
        Points to mark and label with their budget (the running example, say).
    size : (width, height)
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The colour mesh has ``gid`` ``"budget-grid"``; its array is the exact
        budget grid of :func:`bounds.budget` (rows: epsilon, columns: T), masked
        where the budget is 0.

    Notes
    -----
    The grid comes from one vectorised call ``bounds.budget(epsilon=E[:, None],
    threshold=T[None, :])``, whose ``.n`` is exact for every cell (near-ties are
    certified one by one).

    Examples
    --------
    >>> figure = heatmap_figure([1e-3, 1e-2], [0.5, 0.605])
    >>> figure.axes[0].collections[0].get_array().reshape(2, 2).astype(int).tolist()
    [[692, 502], [68, 50]]
    """
    from bounds.solve.api import budget

    eps = (
        np.round(np.geomspace(1e-6, 1e-1, 121), 8)
        if epsilons is None
        else np.asarray(epsilons, dtype=np.float64)
    )
    targets = (
        np.round(np.arange(5, 100) / 100, 2)
        if thresholds is None
        else np.asarray(thresholds, dtype=np.float64)
    )
    if eps.ndim != 1 or targets.ndim != 1 or eps.size < 2 or targets.size < 2:
        raise ParameterError(
            "epsilons and thresholds",
            "one-dimensional arrays of at least two values",
            (eps.shape, targets.shape),
        )
    if not np.all(eps > 0):
        raise ParameterError("epsilons", "positive (the axis is logarithmic)", eps[~(eps > 0)][0])
    eps, targets = np.sort(eps), np.sort(targets)
    grid = budget(epsilon=eps[:, None], threshold=targets[None, :]).n
    values = np.ma.masked_less_equal(np.ma.asarray(grid).astype(np.float64), 0)
    with _style() as matplotlib:
        from matplotlib.colors import LogNorm

        figure = _new_figure(size)
        axes = figure.add_subplot()
        colormap = matplotlib.colormaps["viridis"].with_extremes(bad="0.85")
        low, high = max(1.0, float(values.min())), float(values.max())
        mesh = axes.pcolormesh(
            targets,
            eps,
            values,
            norm=LogNorm(vmin=low, vmax=max(high, low * 10)),
            cmap=colormap,
            shading="nearest",
            gid="budget-grid",
            rasterized=True,
        )
        colorbar = figure.colorbar(mesh, ax=axes)
        colorbar.set_label("budget N* (generations)")
        if high > 1e15:
            _decade_ticks(colorbar.ax.yaxis, max(high, low * 10))
        levels = _round_levels(low, high)
        if levels:
            contours = axes.contour(
                targets, eps, values.filled(0.0), levels=levels, colors="white", linewidths=1.1
            )
            axes.clabel(contours, fmt=_level_text, fontsize=9, inline=True)
        for epsilon, level in mark:
            point = budget(epsilon=epsilon, threshold=level)
            axes.plot(
                [float(level)],
                [float(epsilon)],
                marker="*",
                markersize=14,
                color="#D55E00",
                markeredgecolor="black",
                linestyle="none",
                gid="mark",
            )
            axes.annotate(
                f"N* = {_budget_label(point).removeprefix('N* = ')}",
                (float(level), float(epsilon)),
                xytext=(8, -14),
                textcoords="offset points",
                fontsize=10,
                fontweight="bold",
                color="black",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.85},
            )
        axes.set_yscale("log")
        axes.grid(False)
        axes.set_xlabel("threshold T")
        axes.set_ylabel("failure probability per generation ε")
        axes.set_title(r"Certified budget $N^* = \max\{N : (1-\varepsilon)^N \geq T\}$")
    return figure


def save_figure(figure: Figure, path: str | Path, *, dpi: int = 200, format: str | None = None) -> Path:
    """Render ``figure`` to bytes and write it atomically; the format follows the suffix.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    path : str or Path
        Output file: ``.png``, ``.pdf`` or ``.svg``.
    dpi : int
        Resolution for raster output.
    format : str, optional
        Overrides the suffix.

    Returns
    -------
    Path
        The path written.
    """
    target = Path(path)
    kind = format or _FORMATS.get(target.suffix.lower())
    if kind not in _FORMATS.values():
        raise BoundsError(f"output file must end in .png, .pdf or .svg, got {str(target)!r}")
    buffer = io.BytesIO()
    metadata = (
        {"Software": None} if kind == "png" else {"Creator": None} if kind == "svg" else {"Producer": None}
    )
    # matplotlib's LogLocator computes 10**k one decade past an axis that ends near 1e300
    with _style(), np.errstate(over="ignore"):
        figure.savefig(buffer, format=kind, dpi=dpi, metadata=metadata)
    return write_atomic(target, buffer.getvalue())
