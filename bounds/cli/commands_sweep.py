"""``bounds sweep``: budgets over a grid of parameters, written to CSV in bounded memory."""

from __future__ import annotations

import argparse

from bounds.batch.sweep import DEFAULT_CHUNK_SIZE, sweep_csv
from bounds.cli._core import Output, UsageError, command
from bounds.cli._progress import progress_for
from bounds.errors import ParameterError

_AXIS_HELP = "comma-separated values, log:START:STOP:COUNT or lin:START:STOP:COUNT"


def _sweep_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epsilon", metavar="VALUES", help=f"failure-probability axis: {_AXIS_HELP}")
    parser.add_argument(
        "--threshold", "-T", required=True, metavar="VALUES", help=f"threshold axis: {_AXIS_HELP}"
    )
    parser.add_argument(
        "--spec", metavar="FILE", help="sweep a model from a TOML spec (default: independent)"
    )
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="FIELD=VALUES",
        help="another axis: a field of the spec (dotted for nested tables, e.g. base.epsilon); repeatable",
    )
    parser.add_argument(
        "--output", "-o", required=True, metavar="FILE", help="CSV file to write (atomically)"
    )
    parser.add_argument(
        "--chunk-size",
        default=str(DEFAULT_CHUNK_SIZE),
        metavar="K",
        help="grid points per chunk (bounds memory)",
    )


def _vary(text: str) -> tuple[str, str]:
    field, equals, values = text.partition("=")
    if not equals or not field.strip() or not values.strip():
        raise ParameterError("--vary", "FIELD=VALUES, such as rho=0.001,0.01", text)
    return field.strip(), values.strip()


@command(
    "sweep",
    "budgets over a grid of parameters (epsilon x T, or spec fields x T) to CSV",
    _sweep_arguments,
    own_progress=True,
)
def sweep_command(args: argparse.Namespace) -> Output:
    from bounds.numeric.parse import generations

    axes = dict(_vary(text) for text in args.vary)
    if len(axes) != len(args.vary):
        raise ParameterError("--vary", "each field at most once", args.vary)
    if args.spec is None and axes:
        raise UsageError("--vary needs --spec (without a spec the model is independent)")
    if args.spec is None and args.epsilon is None:
        raise UsageError("give --epsilon VALUES, or --spec FILE")
    chunk = generations(args.chunk_size, "--chunk-size")
    if chunk < 1:
        raise ParameterError("--chunk-size", "a whole number >= 1", args.chunk_size)
    progress = progress_for(args, "bounds sweep")
    try:
        summary = sweep_csv(
            args.output,
            threshold=args.threshold,
            epsilon=args.epsilon,
            spec=args.spec,
            axes=axes,
            chunk_size=chunk,
            progress=progress,
        )
    finally:
        if progress is not None:
            progress.close()
    data = {
        "output": str(summary.path),
        "rows": summary.rows,
        "columns": list(summary.columns),
        "unbounded": summary.unbounded,
        "min_budget": summary.min_budget,
        "max_budget": summary.max_budget,
    }
    span = (
        "no finite budget"
        if summary.min_budget is None
        else f"budgets {summary.min_budget} to {summary.max_budget}"
    )
    text = f"wrote {summary.path}: {summary.rows:,} grid points ({span}; {summary.unbounded:,} unbounded)"
    return Output(data, text)
