"""``bounds derive``: the derivation of a result (a budget by default) as LaTeX, PDF or Markdown.

``--result`` picks what is derived: ``budget`` (the model's certified budget),
``interval`` (the survival interval at ``--generations`` under any dependence),
``interval-budget`` (the budget interval under any dependence), ``comparison``
(``bounds compare``), ``evidence`` (``--failures``/``--trials``) and
``distribution`` (an uncertain rate, ``--low``/``--high``). The dependence-free
results and the comparison take the model's first-generation failure
probability ``1 - S(1)`` as the marginal rate of every generation. Every
document names the version, this command line and the date.
"""

from __future__ import annotations

import argparse
import shlex
from decimal import ROUND_CEILING, Decimal, localcontext
from fractions import Fraction
from typing import Any

from bounds._io import write_atomic
from bounds.cli._core import Output, UsageError, command, model_from_arguments
from bounds.cli._json import (
    budget_interval_payload,
    budget_payload,
    comparison_payload,
    distribution_payload,
    evidence_payload,
    interval_payload,
    with_inputs,
)
from bounds.cli.commands_timeline import add_cadence_arguments, derive_subject
from bounds.report.derive import derive
from bounds.report.latex import compile_pdf
from bounds.solve.budget import Budget

FORMATS = ("latex", "pdf", "markdown")
RESULTS = ("budget", "interval", "interval-budget", "comparison", "evidence", "distribution")
_WITHOUT_MODEL = ("evidence", "distribution")
_NEED_THRESHOLD = ("budget", "interval-budget", "comparison", "distribution")


def _derive_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--epsilon", metavar="E", help="per-generation failure probability, exact decimal")
    group.add_argument("--p", metavar="P", help="per-generation preservation probability 1 - epsilon")
    group.add_argument("--spec", metavar="FILE", help="TOML file describing the model (see README)")
    parser.add_argument("--threshold", "-T", metavar="T", help="lowest acceptable survival, in (0, 1]")
    parser.add_argument("--result", "-r", choices=RESULTS, default="budget",
                        help="what to derive (default budget); the dependence-free results and the comparison "
                        "use the model's first-generation failure probability 1 - S(1) as the marginal rate")
    parser.add_argument("--generations", "-N", metavar="N", help="with --result interval: the generation count")
    parser.add_argument("--rho", metavar="R", help="interval, interval-budget, comparison: pairwise correlation")
    parser.add_argument("--mass", metavar="M", help="comparison: a persistent unsafe mass delta")
    parser.add_argument("--failures", "-k", metavar="K", help="evidence: failures seen")
    parser.add_argument("--trials", "-n", metavar="N", help="evidence: trials run")
    parser.add_argument("--confidence", metavar="C", default="0.95", help="evidence: confidence level (0.95)")
    parser.add_argument("--method", default="clopper-pearson", help="evidence: bound method (clopper-pearson)")
    parser.add_argument("--low", metavar="L", help="distribution: low end of the rate's credible interval")
    parser.add_argument("--high", metavar="H", help="distribution: high end of the rate's credible interval")
    parser.add_argument("--credibility", metavar="C", default="0.9", help="distribution: interval credibility (0.9)")
    parser.add_argument("--draws", metavar="D", default="10000", help="distribution: Monte Carlo draws (10000)")
    parser.add_argument("--seed", metavar="S", default="1", help="distribution: random seed (1)")
    parser.add_argument("--format", "-f", choices=FORMATS, default="latex",
                        help="latex: standalone .tex document (default); pdf: compiled with pdflatex "
                        "(needs -o); markdown: Markdown with $...$ math")
    parser.add_argument("--fragment", action="store_true",
                        help="with --format latex: only the body (prose and aligned displays), to paste")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    parser.add_argument("--digits", type=int, default=6, metavar="D",
                        help="significant figures for computed numbers (default 6; inputs are shown as given)")
    add_cadence_arguments(parser)  # with a cadence: the alignment horizon in calendar time


def _command_line(args: argparse.Namespace) -> str:
    """The command as the user could retype it (the parsed options, in a fixed order)."""
    words = ["bounds", "derive"]
    skipped = {"command", "json", "format", "output", "fragment", "digits", "confidence", "method", "credibility",
               "draws", "seed", "result"}
    for key, value in vars(args).items():
        if key in skipped or value is None or value is False:
            continue
        words += [f"--{key.replace('_', '-')}", str(value)]
    if args.result != "budget":
        words += ["--result", args.result]
        words += [f"--{key}" + " " + str(getattr(args, key)) for key in _RESULT_OPTIONS.get(args.result, ())]
    words += ["--format", args.format, "--digits", str(args.digits)]
    return " ".join(shlex.quote(word) if " " not in word else word for word in words)


_RESULT_OPTIONS = {"evidence": ("confidence", "method"), "distribution": ("credibility", "draws", "seed")}


def _first_rate(model: Any, digits: int) -> Fraction:
    """``1 - S(1)``: exact when rational, else rounded up to ``digits`` significant figures."""
    exact = model.survival_exact(1) if callable(getattr(model, "survival_exact", None)) else None
    if exact is not None:
        return 1 - Fraction(exact)
    from bounds.numeric.certify import evaluate

    with localcontext() as context:
        context.prec, context.rounding = max(digits, 2), ROUND_CEILING
        value = 1 - Decimal(str(evaluate(lambda ctx: model.log_survival(ctx, 1), 30)))
        return Fraction(+value)


def _subject(args: argparse.Namespace) -> Any:
    import bounds

    needs_model = args.result not in _WITHOUT_MODEL
    given = any(getattr(args, key) is not None for key in ("epsilon", "p", "spec"))
    if needs_model and not given:
        raise UsageError(f"--result {args.result} needs a model: --epsilon, --p or --spec")
    if not needs_model and given:
        raise UsageError(f"--result {args.result} takes no model (it is about its own inputs)")
    if args.result in _NEED_THRESHOLD and args.threshold is None:
        raise UsageError(f"--result {args.result} needs --threshold")
    if args.result == "budget":
        result = model_from_arguments(args).budget(args.threshold)
        assert isinstance(result, Budget)
        return derive_subject(args, result)
    if args.result == "evidence":
        if args.failures is None or args.trials is None:
            raise UsageError("--result evidence needs --failures and --trials")
        return bounds.from_evidence(failures=args.failures, trials=args.trials, confidence=args.confidence,
                                    threshold=args.threshold, method=args.method)
    if args.result == "distribution":
        from bounds.evidence.uncertain import budget_distribution, epsilon_interval

        if args.low is None or args.high is None:
            raise UsageError("--result distribution needs --low and --high")
        return budget_distribution(epsilon_interval(args.low, args.high, args.credibility), args.threshold,
                                   draws=args.draws, seed=args.seed)
    rate = _first_rate(model_from_arguments(args), args.digits)
    if args.result == "interval":
        if args.generations is None:
            raise UsageError("--result interval needs --generations")
        return bounds.dependence_free(rate, args.generations, rho=args.rho)
    if args.result == "interval-budget":
        return bounds.dependence_free_budget(rate, args.threshold, rho=args.rho)
    from bounds.report.compare import compare

    return compare(rate, args.threshold, rho=args.rho, mass=args.mass)


@command("derive", "the derivation of a result (a certified budget by default), as LaTeX, PDF or Markdown",
         _derive_arguments)
def derive_command(args: argparse.Namespace) -> Output:
    if args.format == "pdf" and args.output is None:
        raise UsageError("--format pdf needs --output FILE (a PDF is not written to stdout)")
    if args.fragment and args.format != "latex":
        raise UsageError("--fragment applies to --format latex only")
    if not 1 <= args.digits <= 40:
        raise UsageError(f"--digits must be in [1, 40], got {args.digits}")
    subject = _subject(args)
    derivation = derive(subject, digits=args.digits, call=_command_line(args))
    if args.format == "markdown":
        text = derivation.to_markdown()
    elif args.fragment:
        text = derivation.to_latex()
    else:
        text = derivation.to_document()
    data = {**_data(subject, args), "result": args.result, "format": args.format, "output": args.output}
    if args.format == "pdf":
        write_atomic(args.output, compile_pdf(text))
    elif args.output is not None:
        write_atomic(args.output, text)
    else:
        data["document"] = text
        return Output(data, text.rstrip("\n"))
    return Output(data, f"wrote {args.output} ({_summary(subject)})")


def _data(subject: Any, args: argparse.Namespace) -> dict[str, Any]:
    """The derived result's JSON, in the CLI's one convention (bounds/cli/_json.py)."""
    from bounds.evidence.confidence import EvidenceBound
    from bounds.evidence.uncertain import BudgetDistribution
    from bounds.marginal.dependence import SurvivalInterval
    from bounds.marginal.dependence_budget import BudgetInterval
    from bounds.timeline.query import Horizon

    if isinstance(subject, Budget):
        return budget_payload(subject)
    if isinstance(subject, Horizon):
        horizon = {"horizon_generation": subject.generation, "horizon_months": subject.months,
                   "zeno_months": subject.zeno}
        return {**budget_payload(subject.budget), **with_inputs(horizon)}
    if isinstance(subject, list):
        return comparison_payload(subject, threshold=args.threshold, rho=args.rho, mass=args.mass)
    if isinstance(subject, SurvivalInterval):
        return interval_payload(subject)
    if isinstance(subject, BudgetInterval):
        return budget_interval_payload(subject)
    if isinstance(subject, EvidenceBound):
        return evidence_payload(subject.to_dict(), failures=args.failures, trials=args.trials,
                                confidence=args.confidence, threshold=args.threshold)
    if isinstance(subject, BudgetDistribution):
        return distribution_payload(subject, low=args.low, high=args.high, credibility=args.credibility,
                                    threshold=args.threshold)
    return with_inputs(subject.to_dict(), threshold=args.threshold)


def _summary(subject: Any) -> str:
    if isinstance(subject, Budget):
        return "budget unbounded" if subject.n is None else f"budget N* = {subject.n}"
    if isinstance(subject, list):
        return f"{len(subject)} comparison rows"
    return type(subject).__name__

