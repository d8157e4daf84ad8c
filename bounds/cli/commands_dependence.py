"""``bounds interval`` and the ``--dependence any`` mode of ``bounds budget``."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

from bounds._io import read_text
from bounds.cli._core import Output, UsageError, command
from bounds.cli._json import budget_interval_payload, interval_payload
from bounds.errors import ParameterError
from bounds.marginal.dependence import BudgetInterval, SurvivalInterval, dependence_free, dependence_free_budget
from bounds.numeric.parse import format_number

__all__ = ["dependence_budget_output", "read_pairwise"]


def read_pairwise(path: str | Path) -> list[list[str]]:
    """A matrix of joint failure probabilities from a JSON (list of rows) or CSV/whitespace file.

    Numbers are kept as the text they were written as, so they are read exactly.
    """
    path = Path(path)
    text = read_text(path, "--pairwise file")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, parse_float=str, parse_int=str)
        except json.JSONDecodeError as error:
            raise ParameterError("--pairwise", f"valid JSON ({error})", str(path)) from None
        except RecursionError:
            raise ParameterError("--pairwise", "a JSON list of rows, not nested deeply", str(path)) from None
        if isinstance(data, dict) and "pairwise" in data:
            data = data["pairwise"]
        if not isinstance(data, list):
            raise ParameterError("--pairwise", "a JSON list of rows", str(path))
        return data
    rows = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            cells = next(csv.reader(io.StringIO(line))) if "," in line else line.split()
        except csv.Error as error:
            raise ParameterError("--pairwise", f"a CSV file of numbers ({error})", str(path)) from None
        rows.append([cell.strip() for cell in cells])
    if not rows:
        raise ParameterError("--pairwise", "a file with at least one row of numbers", str(path))
    return rows


def _interval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--epsilon", required=True, metavar="E", help="marginal failure probability per generation"
    )
    parser.add_argument("--generations", "-N", required=True, metavar="N", help="number of generations")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--rho", metavar="R", help="common pairwise correlation of the failures")
    group.add_argument(
        "--pairwise",
        metavar="FILE",
        help="N x N matrix of P(F_i and F_j), marginals on the diagonal (JSON or CSV)",
    )
    parser.add_argument(
        "--lp", action="store_true",
        help="also solve the binomial-moment LP (HiGHS) when N > 2000 (it always runs for N <= 2000); "
        "its interval is printed beside the closed forms",
    )


def interval_text(interval: SurvivalInterval) -> str:
    lines = [f"generations  N = {interval.generations}"]
    if interval.epsilon is not None:
        lines.append(f"marginal     epsilon = {format_number(interval.epsilon)}")
    if interval.rho is not None:
        lines.append(f"pairwise     rho = {format_number(interval.rho)}")
    moments = f"S1 = {format_number(interval.s1, 12)}"
    if interval.s2 is not None:
        moments += f", S2 = {format_number(interval.s2, 12)}"
    lines.append(f"moments      {moments}")
    data = interval.to_dict()
    lines.append(
        f"survival     S(N) >= {format_number(interval.lower, 12)}   [{data['survival_lower_bound']}]"
    )
    lines.append(
        f"             S(N) <= {format_number(interval.upper, 12)}   [{data['survival_upper_bound']}]"
    )
    lp = {bound.side: bound.value for bound in interval.bounds if bound.name == "lp"}
    if lp:
        lines.append(
            f"LP           S(N) in [{format_number(1 - lp['upper'], 12)}, {format_number(1 - lp['lower'], 12)}]   "
            "[binomial-moment LP, HiGHS, floats; the ends above are exact]"
        )
    elif interval.s2 is not None:
        lines.append("LP           not solved (N > 2000; --lp solves it)")
    lines.append("under every joint law of the failures consistent with these inputs")
    return "\n".join(lines)


@command(
    "interval", "interval on S(N) under any dependence consistent with the marginals", _interval_arguments
)
def interval_command(args: argparse.Namespace) -> Output:
    pairwise = read_pairwise(args.pairwise) if args.pairwise is not None else None
    interval = dependence_free(
        args.epsilon, args.generations, rho=args.rho, pairwise=pairwise, lp=args.lp or None
    )
    data = interval_payload(interval)
    data["lp_solved"] = any(bound.name == "lp" for bound in interval.bounds)
    return Output(data, interval_text(interval))


def budget_interval_text(result: BudgetInterval) -> str:
    def show(value: int | None) -> str:
        return "unbounded" if value is None else str(value)

    data = result.to_dict()
    head = f"marginal   epsilon = {format_number(result.epsilon)} per generation, any dependence"
    if result.rho is not None:
        head += f" with pairwise rho = {format_number(result.rho)}"
    return "\n".join(
        [
            head,
            f"threshold  T = {format_number(result.threshold)}",
            f"budget     guaranteed N* >= {show(result.guaranteed)}   [{data['guaranteed_bound']}]",
            f"           possible   N* <= {show(result.possible)}   [{data['possible_bound']}]",
            "certified  by exact rational arithmetic",
        ]
    )


def dependence_budget_output(args: argparse.Namespace) -> Output:
    """``bounds budget --dependence any [--rho R]``: the budget interval from marginals (and rho)."""
    if args.spec is not None:
        raise UsageError(
            "--dependence any needs the marginal rate as --epsilon or --p, not --spec"
        )
    epsilon: Any = args.epsilon
    if epsilon is None:
        from bounds.numeric.parse import probability

        epsilon = 1 - probability(args.p, "p")
    result = dependence_free_budget(epsilon, args.threshold, args.rho)
    return Output(budget_interval_payload(result), budget_interval_text(result))
