"""``bounds evidence``, and ``bounds budget --epsilon-interval`` (a distribution of budgets)."""

from __future__ import annotations

import argparse
from typing import Any

from bounds.cli._core import Output, UsageError, command
from bounds.cli._json import distribution_payload, echo, evidence_payload
from bounds.errors import CertificationError
from bounds.evidence.confidence import METHODS, from_evidence
from bounds.evidence.uncertain import budget_distribution, epsilon_interval
from bounds.numeric.parse import format_number
from bounds.numeric.parse import generations as as_generations

__all__ = ["add_interval_arguments", "interval_budget"]


def _evidence_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--failures", "-k", required=True, metavar="K", help="alignment failures observed")
    parser.add_argument("--trials", "-n", required=True, metavar="N",
                        help="trials (generations or proxy tasks)")
    parser.add_argument("--confidence", "-c", default="0.95", metavar="C",
                        help="one-sided confidence level in (0, 1) (default 0.95, as in from_evidence)")
    parser.add_argument("--threshold", "-T", required=True, metavar="T",
                        help="lowest acceptable survival, in (0, 1]")
    parser.add_argument("--horizon", "-H", metavar="H",
                        help="also print the posterior predictive probability of surviving H more "
                        "generations")
    parser.add_argument("--method", "-m", default="clopper-pearson", metavar="M",
                        help=f"upper-bound method: {', '.join(METHODS)} (default clopper-pearson)")
    parser.add_argument("--prior", nargs=2, default=("0.5", "0.5"), metavar=("A", "B"),
                        help="Beta(A, B) prior of the posterior predictive model (default Jeffreys 0.5 0.5)")


@command("evidence", "from k failures in n trials: upper bound on epsilon, its budget, posterior predictive",
         _evidence_arguments)
def evidence_command(args: argparse.Namespace) -> Output:
    result = from_evidence(args.failures, args.trials, args.confidence, args.method, args.threshold,
                           tuple(args.prior))
    data = evidence_payload(result.to_dict(), confidence=result.confidence, threshold=result.threshold,
                            prior=list(result.prior))
    lines = [str(result)]
    try:
        predictive = result.posterior_predictive_budget()
    except (CertificationError, OverflowError) as error:
        # a tiny prior a makes S(N) ~ N**-a decay so slowly that the budget is beyond any search,
        # and n = 1e400 trials puts the posterior beyond the float range of the search;
        # the confidence bound above is still the answer, so say why this one is missing
        if isinstance(error, OverflowError):
            error = CertificationError(f"the posterior is beyond the float range of the budget search ({error})")
        data["posterior_predictive_budget"] = None
        data["posterior_predictive_budget_error"] = str(error)
        lines.append(f"bayesian   posterior predictive budget not computed: {error}")
    else:
        data["posterior_predictive_budget"] = predictive.n
        shown = "unbounded" if predictive.n is None else str(predictive.n)
        level = format_number(result.confidence * 100)
        lines.append(f"bayesian   posterior predictive budget {shown}: P(survive N more | data) >= T "
                     f"averaged over epsilon's posterior (not a {level}% bound)")
    if args.horizon is not None:
        horizon = as_generations(args.horizon, "--horizon")
        survival = float(result.posterior_predictive_survival(horizon))
        a, b = data["posterior"]
        data["horizon"] = horizon
        data["posterior_predictive_survival"] = survival
        lines.append(
            f"posterior  epsilon ~ Beta({format_number(a)}, {format_number(b)}) "
            f"(prior Beta({format_number(result.prior[0])}, {format_number(result.prior[1])})): "
            f"P(alignment survives {horizon} more generations) = {format_number(survival, 8)}"
        )
    return Output(data, "\n".join(lines))


# ------------------------------------------------------------------------------------------
# bounds budget --epsilon-interval LO HI --credibility P


_INTERVAL_ONLY = ("credibility", "distribution", "seed", "draws", "required")


def add_interval_arguments(parser: argparse.ArgumentParser, group: Any) -> None:
    """Add ``--epsilon-interval LO HI`` to the model group and its companion options to ``parser``."""
    group.add_argument("--epsilon-interval", nargs=2, metavar=("LO", "HI"),
                       help="epsilon is uncertain: between LO and HI with probability --credibility")
    parser.add_argument("--credibility", metavar="P", help="probability of the epsilon interval, in (0, 1)")
    parser.add_argument("--distribution", choices=("lognormal", "beta"),
                        help="family fitted to the interval (default lognormal)")
    parser.add_argument("--seed", metavar="S", help="random seed (printed either way)")
    parser.add_argument("--draws", metavar="D", help="Monte Carlo draws of epsilon (default 100000)")
    parser.add_argument("--required", metavar="N", help="also print P(budget >= N)")


def interval_budget(args: argparse.Namespace) -> Output | None:
    """The distribution of budgets for ``--epsilon-interval``, or ``None`` when it was not given."""
    if args.epsilon_interval is None:
        given = [f"--{name}" for name in _INTERVAL_ONLY if getattr(args, name) is not None]
        if given:
            raise UsageError(f"{', '.join(given)} only applies with --epsilon-interval")
        return None
    if args.credibility is None:
        raise UsageError("--credibility P is required with --epsilon-interval")
    if getattr(args, "dependence", None) is not None or getattr(args, "rho", None) is not None:
        raise UsageError("--dependence and --rho do not apply with --epsilon-interval")
    low, high = args.epsilon_interval
    fitted = epsilon_interval(low, high, args.credibility, args.distribution or "lognormal")
    result = budget_distribution(
        fitted,
        args.threshold,
        draws=100_000 if args.draws is None else as_generations(args.draws, "--draws"),
        seed=args.seed,
        required=args.required,
    )
    data = distribution_payload(result, threshold=args.threshold)
    # the interval the distribution was fitted to is an input too
    data["epsilon_distribution"].update(echo(dict(low=low, high=high, credibility=args.credibility)))
    return Output(data, str(result))
