"""``bounds plot survival`` and ``bounds plot heatmap``: figures written atomically."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path
from typing import Any

import numpy as np

from bounds._io import read_text
from bounds.cli._core import ArgumentParser, Output, UsageError, add_output_options, command
from bounds.cli._json import echo
from bounds.errors import BoundsError, ParameterError
from bounds.models.independent import Independent
from bounds.models.registry import load_spec
from bounds.numeric.parse import exact, generations, probability


def _survival_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--epsilon",
        action="append",
        default=[],
        metavar="E",
        help="an independent model with this failure probability (repeatable)",
    )
    parser.add_argument(
        "--spec",
        action="append",
        default=[],
        metavar="FILE",
        help="a model from a TOML spec file (repeatable)",
    )
    parser.add_argument(
        "--threshold", "-T", required=True, metavar="T", help="lowest acceptable survival, in (0, 1]"
    )
    parser.add_argument(
        "--max-generations", metavar="N", help="right end of the axis (default: 4 x largest budget)"
    )
    parser.add_argument(
        "--band",
        metavar="CSV",
        help="shade an interval on S(N): CSV with columns n, lower, upper (header row)",
    )
    parser.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="TEXT",
        help="legend label per model, in order: --epsilon ones first, then --spec ones",
    )


def _heatmap_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epsilon-min", default="1e-6", metavar="E", help="smallest epsilon (default 1e-6)")
    parser.add_argument("--epsilon-max", default="0.1", metavar="E", help="largest epsilon (default 0.1)")
    parser.add_argument(
        "--epsilon-count", default="121", metavar="K", help="log-spaced epsilon values (default 121)"
    )
    parser.add_argument(
        "--threshold-min", default="0.05", metavar="T", help="smallest threshold (default 0.05)"
    )
    parser.add_argument(
        "--threshold-max", default="0.99", metavar="T", help="largest threshold (default 0.99)"
    )
    parser.add_argument("--threshold-count", default="95", metavar="K", help="thresholds (default 95)")
    parser.add_argument(
        "--mark",
        action="append",
        default=[],
        metavar="E,T",
        help="mark the point (epsilon, T) with its budget (repeatable)",
    )


def _plot_arguments(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", parser_class=ArgumentParser)
    kinds.required = True
    for name, helptext, add in (
        ("survival", "S(N) of one or more models, the threshold and each budget", _survival_arguments),
        ("heatmap", "budget over a grid of epsilon (log scale) and T, with contours", _heatmap_arguments),
    ):
        sub = kinds.add_parser(name, help=helptext, description=helptext)
        add(sub)
        sub.add_argument(
            "--output", "-o", required=True, metavar="FILE", help="output file: .png, .pdf or .svg"
        )
        sub.add_argument("--dpi", default="200", metavar="DPI", help="resolution of PNG output (default 200)")
        add_output_options(sub)


def _count(value: str, name: str, low: int, high: int) -> int:
    number = generations(value, name)
    if not low <= number <= high:
        raise ParameterError(name, f"a whole number in [{low}, {high}]", value)
    return number


def _read_band(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    text = read_text(path, "--band file")
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ParameterError("--band", f"a CSV file ({error})", path) from None
    if not rows or not {"n", "lower", "upper"} <= set(rows[0]):
        raise ParameterError(
            "--band", "a CSV file with a header row n,lower,upper and at least one row", path
        )
    columns = [
        np.asarray([float(exact(row[key], f"--band {key}")) for row in rows], dtype=np.float64)
        for key in ("n", "lower", "upper")
    ]
    return columns[0], columns[1], columns[2]


def _save(figure: Any, args: argparse.Namespace) -> Path:
    from bounds.report.plot import save_figure

    dpi = _count(args.dpi, "--dpi", 30, 1200)
    return save_figure(figure, args.output, dpi=dpi)


def _plot_survival(args: argparse.Namespace) -> Output:
    from bounds.report.plot import survival_figure

    if not args.epsilon and not args.spec:
        raise UsageError("give at least one --epsilon E or --spec FILE")
    models = [Independent(epsilon=value) for value in args.epsilon] + [load_spec(path) for path in args.spec]
    labels = args.label or None
    if labels is not None and len(labels) != len(models):
        raise ParameterError("--label", f"given once per model ({len(models)}) or not at all", labels)
    top = (
        None
        if args.max_generations is None
        else _count(args.max_generations, "--max-generations", 2, 10**300)
    )
    band = _read_band(args.band) if args.band else None
    figure = survival_figure(models, args.threshold, labels=labels, max_generations=top, band=band)
    path = _save(figure, args)
    budgets = [model.budget(args.threshold) for model in models]
    data = {
        "output": str(path),
        "bytes": path.stat().st_size,
        "threshold": echo(args.threshold),
        "models": [
            {"model": repr(model), "budget": result.n, "unbounded": result.n is None}
            for model, result in zip(models, budgets, strict=True)
        ],
    }
    lines = [f"wrote {path} ({data['bytes']:,} bytes)"]
    lines += [
        f"  {repr(model)}: {'unbounded' if result.n is None else f'N* = {result.n}'}"
        for model, result in zip(models, budgets, strict=True)
    ]
    return Output(data, "\n".join(lines))


def _parse_mark(text: str) -> tuple[str, str]:
    epsilon, comma, level = text.partition(",")
    if not comma:
        raise ParameterError("--mark", "two numbers E,T such as 0.001,0.605", text)
    probability(epsilon, "--mark epsilon")
    return epsilon.strip(), level.strip()


def _plot_heatmap(args: argparse.Namespace) -> Output:
    from bounds.report.plot import heatmap_figure

    low, high = (
        float(probability(value, name))
        for value, name in ((args.epsilon_min, "--epsilon-min"), (args.epsilon_max, "--epsilon-max"))
    )
    if not 0 < low < high:
        raise ParameterError("--epsilon-min", "positive and below --epsilon-max", args.epsilon_min)
    t_low, t_high = (
        float(probability(value, name))
        for value, name in ((args.threshold_min, "--threshold-min"), (args.threshold_max, "--threshold-max"))
    )
    if not 0 < t_low < t_high:
        raise ParameterError("--threshold-min", "positive and below --threshold-max", args.threshold_min)
    epsilons = np.geomspace(low, high, _count(args.epsilon_count, "--epsilon-count", 2, 2000))
    thresholds = np.linspace(t_low, t_high, _count(args.threshold_count, "--threshold-count", 2, 2000))
    marks = [_parse_mark(text) for text in args.mark]
    figure = heatmap_figure(epsilons, thresholds, mark=marks)
    path = _save(figure, args)
    data = {
        "output": str(path),
        "bytes": path.stat().st_size,
        "epsilons": len(epsilons),
        "thresholds": len(thresholds),
    }
    return Output(
        data, f"wrote {path} ({data['bytes']:,} bytes): {len(epsilons)} x {len(thresholds)} budgets"
    )


@command(
    "plot",
    "figures: survival curves with budgets, or a budget heatmap (needs matplotlib)",
    _plot_arguments,
    json_option=False,
)
def plot_command(args: argparse.Namespace) -> Output:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise BoundsError("bounds plot needs matplotlib: pip install 'alignment-bounds[plot]'") from None
    return _plot_survival(args) if args.kind == "survival" else _plot_heatmap(args)
