"""``bounds report``: one document (PDF, self-contained HTML, Markdown) for one question."""

from __future__ import annotations

import argparse
import hashlib
import shlex
from typing import Any

from bounds._io import read_bytes
from bounds.cli._core import Output, UsageError, command
from bounds.cli._json import echo
from bounds.cli.commands_timeline import add_cadence_arguments, optional_cadence
from bounds.models.independent import Independent
from bounds.models.registry import load_spec
from bounds.report.document import build_report
from bounds.report.document.output import FORMATS, format_for

_WRITTEN = tuple(FORMATS)


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--epsilon", metavar="E", help="per-generation failure probability, exact decimal")
    group.add_argument("--p", metavar="P", help="per-generation preservation probability 1 - epsilon")
    group.add_argument(
        "--spec",
        metavar="FILE",
        action="append",
        help="TOML file describing a model; repeat to put several models in one report",
    )
    parser.add_argument("--threshold", "-T", required=True, metavar="T", help="lowest acceptable survival, in (0, 1]")
    parser.add_argument(
        "--format",
        "-f",
        choices=_WRITTEN,
        default=None,
        help="pdf (compiled with pdflatex), html (one self-contained file, no network "
        "request), markdown, or latex; default: from the suffix of -o",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE atomically (needed for pdf; html and markdown go to stdout without it)",
    )
    parser.add_argument("--rho", metavar="R", help="pairwise correlation of failures: adds correlated rows")
    parser.add_argument("--mass", metavar="DELTA", help="persistent unsafe mass: adds the floor's rows")
    parser.add_argument(
        "--digits", type=int, default=6, metavar="D", help="minimum significant figures for real numbers (default 6)"
    )
    add_cadence_arguments(parser)  # with a cadence: when, in months, S falls below T (and its derivation)


def _format(args: argparse.Namespace) -> str:
    if args.format is None and args.output is None:
        raise UsageError("bounds report: give --format (html or markdown on stdout) or --output FILE")
    return format_for(args.output, args.format)


def _models(args: argparse.Namespace) -> tuple[list[Any], dict[str, str]]:
    """The models, and the provenance of each spec file (its path and SHA-256)."""
    if args.spec is None:
        model = Independent(epsilon=args.epsilon) if args.epsilon is not None else Independent(p=args.p)
        return [model], {}
    provenance = {}
    for index, path in enumerate(args.spec, start=1):
        digest = hashlib.sha256(read_bytes(path, "spec file")).hexdigest()
        provenance[f"spec {index}" if len(args.spec) > 1 else "spec"] = f"{path} (sha256 {digest})"
    return [load_spec(path) for path in args.spec], provenance


@command(
    "report", "one document for one question: budget, certificate, comparison, plot, derivations", _report_arguments
)
def report_command(args: argparse.Namespace) -> Output:
    kind = _format(args)
    if kind in ("pdf", "latex") and args.output is None:
        raise UsageError(f"bounds report: --format {kind} needs --output FILE")
    if not 1 <= args.digits <= 40:
        raise UsageError(f"bounds report: --digits must be in [1, 40], got {args.digits}")
    models, provenance = _models(args)
    provenance = {"command": _command_line(args), **provenance}
    document = build_report(
        models, args.threshold, digits=args.digits, rho=args.rho, mass=args.mass, provenance=provenance,
        cadence=optional_cadence(args),
    )
    budgets = [budget.n for budget in document.budgets]
    data: dict[str, Any] = {
        "format": kind,
        "output": args.output,
        "threshold": echo(document.threshold),
        "budgets": budgets,
        "models": list(document.labels),
    }
    if args.output is None:
        text = document.to_html() if kind == "html" else document.to_markdown()
        data["document"] = text
        return Output(data, text.rstrip("\n"))
    written = document.write(args.output, kind)
    data["output"] = str(written)
    shown = ", ".join("unbounded" if n is None else f"N* = {n}" for n in budgets)
    return Output(data, f"wrote {args.output} ({shown})")


def _command_line(args: argparse.Namespace) -> str:
    """The command line that reproduces this report, rebuilt from the parsed options."""
    words = ["bounds", "report"]
    for spec in args.spec or []:
        words += ["--spec", spec]
    for option in ("epsilon", "p", "threshold", "rho", "mass", "format", "output"):
        value = getattr(args, option)
        if value is not None:
            words += [f"--{option}", str(value)]
    if args.digits != 6:
        words += ["--digits", str(args.digits)]
    return shlex.join(words)
