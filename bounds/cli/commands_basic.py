"""``bounds budget``, ``survival``, ``compare`` and ``demo``."""

from __future__ import annotations

import argparse
from typing import Any

import mpmath

from bounds.cli._core import Output, UsageError, add_model_arguments, command, model_from_arguments
from bounds.cli.commands_evidence import add_interval_arguments, interval_budget
from bounds.cli.commands_oversight import compare_arguments
from bounds.models.independent import Independent
from bounds.numeric.certify import evaluate
from bounds.numeric.parse import decimal_digits, format_from_log, format_near, format_number, probability
from bounds.numeric.parse import generations as as_generations
from bounds.report.compare import ComparisonRow, compare
from bounds.solve.budget import Budget


def _budget_arguments(parser: argparse.ArgumentParser) -> None:
    add_interval_arguments(parser, add_model_arguments(parser))
    parser.add_argument("--threshold", "-T", required=True, metavar="T", help="lowest acceptable survival, in (0, 1]")
    parser.add_argument(
        "--dependence", choices=["any"], default=None,
        help="'any': budget interval under every dependence with the given marginal rate",
    )
    parser.add_argument(
        "--rho", metavar="R", default=None, help="with --dependence any: pairwise correlation of failures"
    )


def budget_text(result: Budget) -> str:
    """Human-readable lines for a budget."""
    lines = [f"model      {result.model!r}", f"threshold  T = {format_number(result.threshold)}"]
    if result.n is None:
        lines.append("budget     unbounded (S(N) >= T for every N)")
        lines.append(f"           S(inf) = {format_number(result.certificate_values[0], 12)} >= T")
    else:
        at, after = result.certificate_values
        lines.append(f"budget     N* = {result.n}")
        lines.append(f"           S({result.n}) = {format_near(at, result.threshold, 12)} >= T")
        lines.append(f"           S({result.n + 1}) = {format_near(after, result.threshold, 12)} < T")
    lines.append(f"certified  by {result.certificate_text}")
    context = getattr(result.model, "budget_context", None)
    for key, value in (context(result.threshold) if callable(context) else {}).items():
        lines.append(f"{key:13} {'unbounded' if value is None else value}")
    return "\n".join(lines)


@command("budget", "certified budget: the largest N with S(N) >= T", _budget_arguments)
def budget_command(args: argparse.Namespace) -> Output:
    uncertain = interval_budget(args)
    if uncertain is not None:
        return uncertain
    if args.dependence == "any":
        from bounds.cli.commands_dependence import dependence_budget_output

        return dependence_budget_output(args)
    if args.rho is not None:
        raise UsageError(
            "bounds budget: --rho needs --dependence any (for a correlated model use a beta-mixture spec)"
        )
    result = model_from_arguments(args).budget(args.threshold)
    return Output(result.to_dict(), budget_text(result))


def _survival_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser)
    parser.add_argument("--generations", "-N", required=True, metavar="N", help="number of generations, >= 0")


@command("survival", "survival probability S(N) after N generations", _survival_arguments)
def survival_command(args: argparse.Namespace) -> Output:
    model = model_from_arguments(args)
    count = as_generations(args.generations, "--generations")
    log_value = _log_survival_value(model, count)
    shown, decimal = format_from_log(log_value, 12), format_from_log(log_value, 15)
    value = float(mpmath.exp(log_value)) if log_value > -800 else 0.0
    data: dict[str, Any] = {
        "model": model.name,
        "generations": count,
        "survival": value,
        # a float where it fits, else the decimal string (ln S = -1.0005e397 at N = 1e400)
        "log_survival": log_value,
        "survival_decimal": decimal,
        **model.parameters(),
    }
    text = f"S({count}) = {shown}   (ln S = {format_number(log_value, 12)})  [{model!r}]"
    return Output(data, text)


def _log_survival_value(model: Any, count: int) -> mpmath.mpf:
    """``ln S(N)`` from the model's ball, with digits to spare after the decimal point at any ``N``.

    So that S itself can be printed from it: ``N = 1e400`` at ``epsilon = 0.001`` gives
    ``ln S = -1.0005e397``, not ``-inf``.
    """
    if count == 0:
        return mpmath.mpf(0)
    return evaluate(lambda ctx: model.log_survival(ctx, count), 20 + decimal_digits(count), exponentiate=False)


def _compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epsilon", required=True, metavar="E", help="marginal per-generation failure probability")
    parser.add_argument("--threshold", "-T", required=True, metavar="T", help="lowest acceptable survival, in (0, 1]")
    parser.add_argument(
        "--rho", metavar="R", default=None,
        help="pairwise correlation of failures: adds correlated-model and dependence rows",
    )
    parser.add_argument("--mass", metavar="DELTA", help="persistent unsafe mass: adds the floor's budget and cap")
    compare_arguments(parser)  # the oversight and control rows' options


def comparison_table(rows: list[ComparisonRow]) -> str:
    width = max(len(row.label) for row in rows)
    lines = [f"{'':{width}}  budget", f"{'-' * width}  ------"]
    for row in rows:
        shown = "unbounded" if row.budget is None else str(row.budget)
        lines.append(f"{row.label:{width}}  {shown}")
    return "\n".join(lines)


def _comparison_options(args: argparse.Namespace) -> dict[str, Any]:
    skip = {"command", "epsilon", "threshold", "json"}
    return {key: value for key, value in vars(args).items() if key not in skip and value is not None}


@command("compare", "budgets of several models and bounds side by side", _compare_arguments)
def compare_command(args: argparse.Namespace) -> Output:
    if args.mass is not None:
        probability(args.mass, "--mass")  # named as the user typed it
    rows = compare(args.epsilon, args.threshold, **_comparison_options(args))
    data = {"epsilon": args.epsilon, "threshold": args.threshold, "rows": [row.to_dict() for row in rows]}
    return Output(data, comparison_table(rows))


@command("demo", "the running example: 0.999 per generation, with a comparison across models", lambda parser: None)
def demo_command(args: argparse.Namespace) -> Output:
    model = Independent(epsilon="0.001")
    survivals = {n: model.survival_mp(n, 30) for n in (50, 500, 502)}
    at_605 = model.budget("0.605")
    at_half = model.budget("0.5")
    # correlated rows at an intra-lineage correlation of 0.01, the example of DESIGN §4
    rows = compare("0.001", "0.605", rho="0.01")
    text = "\n".join(
        [
            "A technique that preserves alignment with probability 0.999 per generation:",
            "",
            f"  0.999^50  = {mpmath.nstr(survivals[50], 4)}",
            f"  0.999^500 = {mpmath.nstr(survivals[500], 4)}",
            "",
            f"  budget at T = 0.605: {at_605.n} generations  "
            f"(S({at_605.n}) = {format_number(at_605.certificate_values[0])}, certified)",
            f"  budget at T = 0.5:   {at_half.n} generations",
            "",
            "The same marginal rate 0.001 under other assumptions (T = 0.605; correlated rows rho = 0.01):",
            "",
            comparison_table(rows),
            "",
            f'Note: "60.5% after 500 generations" is 0.999^502 = {mpmath.nstr(survivals[502], 4)};',
            f"      0.999^500 = {mpmath.nstr(survivals[500], 4)}.",
        ]
    )
    data = {
        "epsilon": "0.001",
        "survival_50": float(survivals[50]),
        "survival_500": float(survivals[500]),
        "survival_502": float(survivals[502]),
        "budget_0.605": at_605.to_dict(),
        "budget_0.5": at_half.to_dict(),
        "comparison": [row.to_dict() for row in rows],
    }
    return Output(data, text)
