"""``bounds timeline`` (a budget placed in calendar time) and ``bounds fit`` (schedules fitted to data)."""

from __future__ import annotations

import argparse
import re
from fractions import Fraction
from typing import Any

from bounds.cli._core import Output, UsageError, add_model_arguments, command, model_from_arguments
from bounds.cli._json import budget_payload, echo
from bounds.numeric.parse import exact, format_number, positive
from bounds.timeline import (
    Cadence,
    ConstantCadence,
    DoublingCadence,
    ExplicitCadence,
    GeometricCadence,
    StartDistribution,
    aligned_probability,
    format_month,
    horizon,
    parse_month,
    survival_at,
)


def _timeline_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser)
    parser.add_argument("--threshold", "-T", required=True, metavar="T", help="lowest acceptable survival, in (0, 1]")
    add_cadence_arguments(parser)
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--start", metavar="YYYY-MM", help="the month the lineage starts")
    start.add_argument(
        "--start-cdf", metavar="'YYYY-MM:P,...'",
        help="uncertain start: quantiles of a piecewise-linear CDF; 1 - the last P means 'never starts'",
    )
    parser.add_argument(
        "--at", nargs="+", action="extend", metavar="WHEN", default=[],
        help="dates YYYY-MM (with a start) or months since the start at which to report survival",
    )
    parser.add_argument("--plot", metavar="FILE.png", help="write survival against time (needs the plot extra)")
    parser.add_argument("--plot-dates", metavar="FILE.png", help="with --start-cdf: write the date distribution")
    add_derive_argument(parser, "the horizon's derivation (cadence, Zeno limit, certified budget, t_{N*+1})")


#: ``--derive FILE``: the output format follows the file's extension.
DERIVE_FORMATS = {".tex": "latex", ".pdf": "pdf", ".md": "markdown"}


def add_derive_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--derive", metavar="FILE", help=f"write {what} as LaTeX (.tex), PDF (.pdf) or Markdown (.md)")


def write_derivation(subject: Any, path: str | None, lines: list[str], data: dict[str, Any]) -> None:
    """Derive ``subject`` (:func:`bounds.derive`) and write it to ``path`` in the format its extension names."""
    if path is None:
        return
    from pathlib import Path

    from bounds._io import write_atomic
    from bounds.report.derive import derive
    from bounds.report.latex import compile_pdf

    kind = DERIVE_FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        raise UsageError(f"--derive: the file must end in .tex, .pdf or .md, got {path!r}")
    derivation = derive(subject)
    if kind == "markdown":
        write_atomic(path, derivation.to_markdown())
    elif kind == "latex":
        write_atomic(path, derivation.to_document())
    else:
        write_atomic(path, compile_pdf(derivation.to_document()))
    data["derivation"] = {"output": path, "format": kind}
    lines.append(f"wrote      {path} (derivation)")


def add_cadence_arguments(parser: argparse.ArgumentParser) -> None:
    """``--first-interval`` and one of ``--acceleration``, ``--doubling-time``, ``--intervals`` (also for derive)."""
    parser.add_argument("--first-interval", metavar="MONTHS", help="months the first generation takes")
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument("--acceleration", metavar="R", help="each interval is R times the previous one (R < 1: faster)")
    pace.add_argument("--doubling-time", metavar="MONTHS", help="the speed of R&D doubles every MONTHS months")
    pace.add_argument("--intervals", metavar="FILE", help="file of intervals in months, one per line")


def optional_cadence(args: argparse.Namespace) -> Cadence | None:
    """The cadence of :func:`add_cadence_arguments`, or ``None`` when none is given."""
    if args.first_interval is None and args.intervals is None:
        if args.acceleration is not None or args.doubling_time is not None:
            raise UsageError("--acceleration and --doubling-time need --first-interval MONTHS")
        return None
    return cadence_from_arguments(args)


def derive_subject(args: argparse.Namespace, budget: Any) -> Any:
    """What ``bounds derive`` derives: the horizon when a cadence is given, else the budget itself."""
    cadence = optional_cadence(args)
    return budget if cadence is None else horizon(budget.model, cadence, budget.threshold)


def cadence_from_arguments(args: argparse.Namespace) -> Cadence:
    """The cadence named by ``--first-interval`` and one of ``--acceleration``, ``--doubling-time``, ``--intervals``."""
    if args.intervals is not None:
        if args.first_interval is not None:
            raise UsageError("--intervals gives every interval; drop --first-interval")
        return ExplicitCadence.from_file(args.intervals)
    if args.first_interval is None:
        raise UsageError("--first-interval MONTHS is required (or --intervals FILE)")
    first = positive(args.first_interval, "--first-interval")
    if args.acceleration is not None:
        return GeometricCadence(first=first, ratio=positive(args.acceleration, "--acceleration"))
    if args.doubling_time is not None:
        return DoublingCadence(first=first, doubling=positive(args.doubling_time, "--doubling-time"))
    return ConstantCadence(interval=first)


def _when(text: str, start: StartDistribution | None) -> tuple[Fraction, bool]:
    """``(t, is_date)``: a YYYY-MM date (absolute months) or a number of months after the start."""
    if re.match(r"^\s*\d{4}-", text):
        if start is None:
            raise UsageError(f"--at {text} is a date; give --start or --start-cdf, or months")
        return parse_month(text, "--at"), True
    months = exact(text, "--at")
    if months < 0:
        raise UsageError(f"--at must be a date YYYY-MM or months >= 0, got {text!r}")
    return months, False


def _horizon_dates(start: StartDistribution, months: float) -> list[dict[str, Any]]:
    """The distribution of the horizon date: ``P(horizon <= d) = F(d - months)`` at the shifted quantiles."""
    return [
        {"date": format_month(float(date) + months), "probability": float(p)} for date, p in start.points
    ]


@command("timeline", "the budget in calendar time: alignment horizon, survival at dates", _timeline_arguments)
def timeline_command(args: argparse.Namespace) -> Output:
    model = model_from_arguments(args)
    cadence = cadence_from_arguments(args)
    start: StartDistribution | None = None
    fixed: Fraction | None = None
    if args.start is not None:
        start = StartDistribution.fixed(args.start)
        fixed = start.points[0][0]
    elif args.start_cdf is not None:
        start = StartDistribution.from_text(args.start_cdf)
    result = horizon(model, cadence, args.threshold)
    budget = result.budget
    data: dict[str, Any] = {
        **budget_payload(budget),
        **echo(cadence.parameters()),
        "months_to_horizon": result.months,
        "horizon_generation": result.generation,
        "zeno_months": result.zeno,
        "start": args.start,
        "start_cdf": args.start_cdf,
    }
    lines = [f"model      {model!r}", f"threshold  T = {format_number(budget.threshold)}"]
    lines.append("budget     unbounded" if budget.n is None else f"budget     N* = {format_number(budget.n)}")
    if result.zeno is not None:
        lines.append(f"zeno       every generation completes within {format_number(result.zeno)} months")
    if result.unbounded:
        lines.append("horizon    unbounded (S stays >= T at every time)")
        data["horizon_date"] = None
    else:
        lines.append(f"horizon    generation {format_number(result.generation)} completes "
                     f"{format_number(result.months)} months after the start")
        if result.zeno is not None and result.months_exact is not None:
            gap = float(result.zeno - result.months_exact)
            data["months_before_zeno"] = gap
        if result.zeno is not None and result.months_exact is not None and gap < 1e-3 * float(result.zeno):
            lines.append(f"           = {format_number(result.zeno)} - {format_number(gap)} months (the Zeno limit "
                         "minus the time left)")
        if fixed is not None:
            data["horizon_date"] = format_month(float(fixed) + result.months)  # type: ignore[operator]
            lines.append(f"           in {data['horizon_date']}")
        elif start is not None:
            data["horizon_date"] = _horizon_dates(start, result.months)  # type: ignore[arg-type]
            shown = ", ".join(f"{item['date']}: {item['probability']:g}" for item in data["horizon_date"])
            lines.append(f"           P(horizon by date): {shown} (never: {float(start.never):g})")
        else:
            data["horizon_date"] = None
    generations_at: list[int | None] = []
    survival_values: list[float] = []
    errors: list[float] = []
    for text in args.at:
        t, is_date = _when(text, start)
        if start is not None and fixed is None and is_date:
            p = aligned_probability(model, cadence, start, t)
            generations_at.append(None)
            survival_values.append(p.value)
            errors.append(p.error)
            lines.append(f"at {text:10} P(aligned) = {format_number(p.value, 8)} (± {p.error:.1e}; "
                         f"not started {p.not_started:g})")
            continue
        elapsed = t - fixed if (is_date and fixed is not None) else t
        n, value = survival_at(model, cadence, max(elapsed, Fraction(0)))
        generations_at.append(n)
        survival_values.append(value)
        errors.append(0.0)
        shown_n = "every generation (past the Zeno limit)" if n is None else f"N = {format_number(n)}"
        lines.append(f"at {text:10} {shown_n}, S = {format_number(value, 8)}")
    data.update({"at": list(args.at), "generations_at": generations_at, "survival_at": survival_values})
    if start is not None and fixed is None:
        data["survival_at_error"] = errors
    if args.plot_dates is not None and (start is None or fixed is not None):
        raise UsageError("--plot-dates needs --start-cdf")
    if args.plot is not None or args.plot_dates is not None:
        from bounds.report.plot import save_figure
        from bounds.report.timeline_plot import date_distribution_figure, timeline_figure

        if args.plot is not None:
            origin = fixed if fixed is not None else start
            save_figure(timeline_figure(model, cadence, budget.threshold, start=origin), args.plot)
            lines.append(f"wrote      {args.plot}")
        if args.plot_dates is not None:
            assert start is not None
            save_figure(date_distribution_figure(start, result.months), args.plot_dates)
            lines.append(f"wrote      {args.plot_dates}")
    write_derivation(result, args.derive, lines, data)
    return Output(data, "\n".join(lines))


def _fit_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", metavar="FILE.csv", help="CSV with header generation,trials,failures")
    source.add_argument("--times", metavar="FILE", help="failure times, one per line (Crow-AMSAA power-law process)")
    parser.add_argument("--end", metavar="T", help="with --times: the test stopped at T (time-terminated)")
    parser.add_argument("--family", default="auto", choices=["independent", "geometric", "power", "logistic", "auto"],
                        help="schedule family; 'auto' fits every family and picks the smallest AIC")
    parser.add_argument("--confidence", metavar="C", help="confidence level in (0, 1); default as in the Python API: "
                        "0.95 for --data (fit), 0.9 for --times (crow_amsaa)")
    parser.add_argument("--threshold", "-T", metavar="T", help="lowest acceptable survival: budgets at the MLE and over"
                        " the region")
    parser.add_argument("--write-spec", metavar="FILE.toml", help="write the conservative (corner) model as a spec")
    add_derive_argument(parser, "the fit's derivation (likelihood, estimate, region, corner, budgets)")


def _spec_text(model: Any) -> str:
    lines = [f'model = "{model.name}"']
    lines += [f'{key} = "{format_number(value, 40)}"' for key, value in model.parameters().items()]
    return "\n".join(lines) + "\n"


def _budget_text(result: Any) -> str:
    if result is None:
        return "-"
    return "unbounded" if result.n is None else str(result.n)


@command("fit", "fit a schedule to red-team data (or failure times); conservative budget", _fit_arguments)
def fit_command(args: argparse.Namespace) -> Output:
    from bounds.evidence.crow_amsaa import crow_amsaa
    from bounds.evidence.fit import fit
    from bounds.evidence.fit_data import read_failure_times, read_generation_data

    if args.times is not None:
        if args.threshold is not None or args.write_spec is not None or args.family != "auto":
            raise UsageError("--times fits the Crow-AMSAA process; --family, --threshold and --write-spec "
                             "apply to --data")
        given = {} if args.confidence is None else {"confidence": args.confidence}
        result = crow_amsaa(read_failure_times(args.times), end=args.end, **given)
        low, high = result.beta_bounds
        text = "\n".join([
            f"Crow-AMSAA  beta = {format_number(result.beta)}  lambda = {format_number(result.lam)}  "
            f"({result.n} failures, {'time' if result.time_terminated else 'failure'}-terminated at "
            f"{format_number(result.end)})",
            f"            {result.confidence:g} bounds on beta: [{format_number(low)}, {format_number(high)}]; "
            f"unbiased beta {format_number(result.beta_unbiased)}",
            f"            MTBF at the end {format_number(result.mtbf_end)}",
            f"trend       MIL-HDBK-189 p = {format_number(result.mil_hdbk_p_value)}, "
            f"Laplace p = {format_number(result.laplace_p_value)} (H0: constant rate, beta = 1)",
        ])
        data, printed = result.to_dict(), [text]
        data.update(confidence=echo(result.confidence), end=echo(args.end))
        write_derivation(result, args.derive, printed, data)
        return Output(data, "\n".join(printed))
    if args.end is not None:
        raise UsageError("--end applies to --times")
    report = fit(read_generation_data(args.data), args.family, args.confidence or "0.95", args.threshold)
    chosen = report.chosen
    if args.write_spec is not None:
        from bounds._io import write_atomic

        write_atomic(args.write_spec, _spec_text(chosen.model_conservative))
    data = report.to_dict()
    for key in ("budget_mle", "budget_conservative"):
        budget = getattr(chosen, key)
        data[f"{key}_certificate"] = None if budget is None else budget.certificate
    data["threshold"] = echo(args.threshold)
    data["confidence"] = echo(chosen.confidence)
    lines = [f"{'family':12} {'parameters':60} {'AIC':>10}  {'budget MLE':>10}  {'conservative':>12}"]
    for candidate in report.candidates:
        shown = ", ".join(f"{k}={format_number(v, 5)}" for k, v in candidate.parameters.items())
        mark = "*" if candidate is chosen else " "
        lines.append(f"{candidate.family + mark:12} {shown:60} {candidate.aic:10.2f}  "
                     f"{_budget_text(candidate.budget_mle):>10}  {_budget_text(candidate.budget_conservative):>12}")
    region = ", ".join(
        f"{k} in [{format_number(lo, 5)}, {format_number(hi, 5)}]" for k, (lo, hi) in chosen.region.items()
    )
    lines.append(f"region      {chosen.confidence:g} likelihood-ratio region of {chosen.family}: {region}")
    corner = ", ".join(f"{k}={format_number(v, 8)}" for k, v in chosen.corner.items())
    lines.append(f"corner      {corner} (dominates the region: its budget bounds every budget in it)")
    lines.append(f"trend       likelihood ratio constant vs geometric: p = {format_number(report.trend_p_value)}")
    lines.extend(f"note        {note}" for note in chosen.notes)
    write_derivation(report, args.derive, lines, data)
    return Output(data, "\n".join(lines))
