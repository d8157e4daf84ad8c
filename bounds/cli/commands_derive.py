"""``bounds derive``: the derivation of a certified budget as LaTeX, PDF or Markdown."""

from __future__ import annotations

import argparse

from bounds._io import write_atomic
from bounds.cli._core import Output, UsageError, add_model_arguments, command, model_from_arguments
from bounds.cli.commands_timeline import add_cadence_arguments, derive_subject
from bounds.report.derive import derive
from bounds.report.latex import compile_pdf
from bounds.solve.budget import Budget

FORMATS = ("latex", "pdf", "markdown")


def _derive_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser)
    parser.add_argument("--threshold", "-T", required=True, metavar="T",
                        help="lowest acceptable survival, in (0, 1]")
    parser.add_argument("--format", "-f", choices=FORMATS, default="latex",
                        help="latex: standalone .tex document (default); pdf: compiled with pdflatex "
                        "(needs -o); markdown: Markdown with $...$ math")
    parser.add_argument("--fragment", action="store_true",
                        help="with --format latex: only the body (prose and aligned displays), to paste")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    parser.add_argument("--digits", type=int, default=6, metavar="D",
                        help="minimum significant figures for real numbers (default 6)")
    add_cadence_arguments(parser)  # with a cadence: the alignment horizon in calendar time


@command("derive", "the derivation of a certified budget, as LaTeX, PDF or Markdown", _derive_arguments)
def derive_command(args: argparse.Namespace) -> Output:
    if args.format == "pdf" and args.output is None:
        raise UsageError("bounds derive: --format pdf needs --output FILE (a PDF is not written to stdout)")
    if args.fragment and args.format != "latex":
        raise UsageError("bounds derive: --fragment applies to --format latex only")
    if not 1 <= args.digits <= 40:
        raise UsageError(f"bounds derive: --digits must be in [1, 40], got {args.digits}")
    result = model_from_arguments(args).budget(args.threshold)
    assert isinstance(result, Budget)
    derivation = derive(derive_subject(args, result), digits=args.digits)
    if args.format == "markdown":
        text = derivation.to_markdown()
    elif args.fragment:
        text = derivation.to_latex()
    else:
        text = derivation.to_document()
    data = {**result.to_dict(), "format": args.format, "output": args.output}
    if args.format == "pdf":
        write_atomic(args.output, compile_pdf(text))
    elif args.output is not None:
        write_atomic(args.output, text)
    else:
        data["document"] = text
        return Output(data, text.rstrip("\n"))
    return Output(data, f"wrote {args.output} (budget {_shown_budget(result)})")


def _shown_budget(result: Budget) -> str:
    return "unbounded" if result.n is None else f"N* = {result.n}"
