r"""Derivation of a budget distribution: an uncertain rate, the exact budget of every draw, the quantiles.

The inputs are shown as given (the interval and its credibility, or the user's
samples), then the fitted distribution, then the per-draw closed form
:math:`N^*_j = \lfloor \ln T / \ln(1 - \varepsilon_j) \rfloor` and the order
statistics the result holds.
"""

from __future__ import annotations

from typing import Any

from bounds.evidence.uncertain import BetaEpsilon, BudgetDistribution, LogNormalEpsilon
from bounds.numeric.parse import exact
from bounds.report.derive import Derivation, Step, assumption, chain, derive, equation, result
from bounds.report.numbers import latex_integer, latex_number
from bounds.report.presentation import derived_line, given_line

__all__: list[str] = []

REFERENCES = (
    "N. Metropolis and S. Ulam, ``The Monte Carlo method'', J. Amer. Statist. Assoc. 44 (1949), 335--341.",
    "R. J. Hyndman and Y. Fan, ``Sample quantiles in statistical packages'', The American Statistician 50 "
    "(1996), 361--365 (the inverted-CDF order statistic).",
)


def _source_lines(source: Any, digits: int) -> tuple[list[Any], list[Any], str]:
    """(inputs as given, fitted parameters, the sentence naming the distribution)."""
    given: list[Any] = []
    interval = getattr(source, "source", None)
    if interval is not None:
        low, high, credibility = interval
        given = [given_line("\\varepsilon_{\\mathrm{low}}", low), given_line("\\varepsilon_{\\mathrm{high}}", high),
                 given_line("\\text{credibility}", credibility)]
    if isinstance(source, LogNormalEpsilon):
        fitted = [derived_line("\\mu", None, source.mu, digits), derived_line("\\sigma", None, source.sigma, digits)]
        sentence = ("$\\ln \\varepsilon \\sim \\mathcal{N}(\\mu, \\sigma^2)$, conditioned on $\\varepsilon \\le 1$"
                    + (", fitted so that the interval holds the stated credibility" if interval else ""))
    elif isinstance(source, BetaEpsilon):
        fitted = [derived_line("a", None, source.a, digits), derived_line("b", None, source.b, digits)]
        sentence = "$\\varepsilon \\sim \\mathrm{Beta}(a, b)$" + (
            ", fitted so that the interval holds the stated credibility" if interval else "")
    else:
        count = int(source.samples.size)
        given = [given_line("\\text{samples}", count)]
        fitted = []
        sentence = f"the {latex_integer(count)} samples of $\\varepsilon$ given, used as they are"
    return given, fitted, sentence


def _level(level: float) -> str:
    return latex_number(exact(level, "quantile level"))


@derive.register
def _budget_distribution(subject: BudgetDistribution, threshold: Any = None, *, digits: int = 6) -> Derivation:
    given, fitted, sentence = _source_lines(subject.epsilon, digits)
    target = subject.threshold
    shown_t = latex_number(target)
    draws = [given_line("\\text{draws}", subject.draws)]
    if subject.seed is not None:
        draws.append(given_line("\\text{seed}", subject.seed))
    steps: list[Step] = [
        assumption("Failures are independent with one rate $\\varepsilon$ per generation, but $\\varepsilon$ "
                   f"itself is uncertain: {sentence}."),
        equation("Inputs", "The inputs, as given:", *given, given_line("T", target), *draws, kind="definition"),
    ]
    if fitted:
        steps.append(equation("Fit", "The distribution of $\\varepsilon$:", *fitted, kind="definition"))
    steps.append(equation(
        "Budgets", "Each draw $\\varepsilon_j$ has the independent model's budget, exact (near-ties decided in "
        "exact arithmetic); the seed reproduces the draws (PCG64):",
        chain("N^*_j", "\\left\\lfloor \\frac{\\ln T}{\\ln(1 - \\varepsilon_j)} \\right\\rfloor",
              f"\\left\\lfloor \\frac{{\\ln {shown_t}}}{{\\ln(1 - \\varepsilon_j)}} \\right\\rfloor"),
        kind="solution"))
    quantiles = [chain(f"N^*_{{({_level(level)})}}", "\\infty" if value is None else latex_integer(value))
                 for level, value in subject.quantiles.items()]
    lines = list(quantiles)
    if subject.required is not None:
        probability = subject.probability_at_least(subject.required)
        error = subject.standard_error(probability)
        lines.append(chain(f"P(N^* \\ge {latex_integer(subject.required)})", latex_number(probability, digits),
                           ("\\pm", latex_number(error, min(digits, 2)) + " \\text{ (Monte Carlo s.e.)}")))
    steps.append(result("Result", "The quantiles of the budget are order statistics of the draws (the smallest "
                        "drawn $b$ with $P(N^* \\le b) \\ge q$); unbounded draws rank last:", *lines))
    values = {"quantiles": dict(subject.quantiles), "threshold": target, "draws": subject.draws,
              "seed": subject.seed}
    return Derivation.from_steps("Distribution of the certified budget", steps, values, subject, REFERENCES)
