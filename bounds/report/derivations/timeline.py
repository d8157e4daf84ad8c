r"""Derivations of the timeline results: the alignment horizon and ``P(aligned at date t)``.

A :class:`~bounds.timeline.query.Horizon` derives as: the cadence's completion times
:math:`t_k` (symbolic, with the numbers, at the generation that matters), the Zeno limit where
there is one, the certified budget :math:`N^*` with its certificate, and the horizon
:math:`t_{N^*+1}`. An :class:`~bounds.timeline.query.AlignedProbability` derives as the
start distribution, :math:`P(t) = 1 - F(t) + \int S(N(t - t_0))\, dF(t_0)` and its value. Every
number is the API's (``Horizon.months``, ``Budget.n``, ``AlignedProbability.value``).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import mpmath

from bounds.report.derive import (
    Derivation,
    Step,
    assumption,
    certificate_lines,
    chain,
    derive,
    equation,
    result,
    shown_survival,
)
from bounds.report.latex import display_integer, latex_number, real_text
from bounds.timeline.cadence import ConstantCadence, DoublingCadence, ExplicitCadence, GeometricCadence
from bounds.timeline.query import AlignedProbability, Horizon, format_month

__all__ = ["budget_certificate"]

#: Intervals of an explicit cadence listed one by one in a derivation (the rest are summarised).
_SHOWN_INTERVALS = 8


def _real(value: Fraction, digits: int) -> str:
    """A rational with ``digits`` significant figures (exactly when it is a short decimal)."""
    shown = latex_number(value)
    if len(shown) <= 24:
        return shown
    with mpmath.workdps(digits + 30):
        return latex_number(mpmath.mpf(value.numerator) / value.denominator, digits)


def _name(model: Any) -> str:
    return str(getattr(model, "name", type(model).__name__))


def _cadence_text(cadence: Any) -> str:
    if isinstance(cadence, ConstantCadence):
        return f"Every generation takes $\\Delta = {latex_number(cadence.interval)}$ months."
    if isinstance(cadence, GeometricCadence):
        faster = "faster" if cadence.ratio < 1 else "slower"
        return (f"The first generation takes $\\Delta_1 = {latex_number(cadence.first)}$ months and each "
                f"later one $r = {latex_number(cadence.ratio)}$ times the previous ({faster}).")
    if isinstance(cadence, DoublingCadence):
        return (f"The first generation takes $\\Delta_1 = {latex_number(cadence.first)}$ months and the "
                f"speed of R&D doubles every $D = {latex_number(cadence.doubling)}$ months.")
    count = len(cadence.intervals)
    return (f"The {count} given intervals $\\Delta_1, \\dots, \\Delta_{{{count}}}$ (months); "
            "after them the last one repeats.")


def _time_lines(cadence: Any, k: int | None, value: list[Any], digits: int) -> list[Any]:
    """``t_k`` symbolically and with the numbers; at ``k`` (``value``: the API's months, shown) when given."""
    at = "k" if k is None else display_integer(k)
    if isinstance(cadence, ConstantCadence):
        delta = latex_number(cadence.interval)
        lines = [chain("t_k", r"k\,\Delta", f"{delta}\\, k")]
        if k is not None:
            lines.append(chain(f"t_{{{at}}}", f"{delta} \\cdot {at}", *value))
        return lines
    if isinstance(cadence, GeometricCadence):
        first, r = latex_number(cadence.first), latex_number(cadence.ratio)
        if cadence.ratio == 1:
            return [chain("t_k", r"k\,\Delta_1", f"{first}\\, k")]
        # written with positive factors on both sides of r = 1
        scale = abs(cadence.first / (1 - cadence.ratio))
        fraction, power = (("1 - r^k", "1 - r"), "1 - {}") if cadence.ratio < 1 else (("r^k - 1", "r - 1"), "{} - 1")
        substituted = fraction[0].replace("r", r), fraction[1].replace("r", r)
        lines = [chain("t_k", f"\\Delta_1 \\frac{{{fraction[0]}}}{{{fraction[1]}}}",
                       f"{first} \\cdot \\frac{{{substituted[0]}}}{{{substituted[1]}}}",
                       f"{_real(scale, digits)} \\left({power.format(f'{r}^k')}\\right)")]
        if k is not None:
            lines.append(chain(f"t_{{{at}}}", f"{_real(scale, digits)} \\left({power.format(f'{r}^{{{at}}}')}\\right)",
                               *value))
        return lines
    if isinstance(cadence, DoublingCadence):
        first, doubling = latex_number(cadence.first), latex_number(cadence.doubling)
        lines = [chain("t_k", r"D \log_2\!\Big(1 + \frac{k\, \Delta_1 \ln 2}{D}\Big)",
                       f"{doubling} \\log_2\\!\\Big(1 + \\frac{{{first}\\, k \\ln 2}}{{{doubling}}}\\Big)")]
        if k is not None:
            lines.append(chain(f"t_{{{at}}}", f"{doubling} \\log_2\\!\\Big(1 + \\frac{{{first} \\cdot {at} \\ln 2}}"
                               f"{{{doubling}}}\\Big)", *value))
        return lines
    assert isinstance(cadence, ExplicitCadence)
    shown = ", ".join(latex_number(x) for x in cadence.intervals[:_SHOWN_INTERVALS])
    more = ", \\dots" if len(cadence.intervals) > _SHOWN_INTERVALS else ""
    lines = [chain("t_k", r"\Delta_1 + \dots + \Delta_k"), chain(r"(\Delta_j)", f"({shown}{more})")]
    if k is not None:
        lines.append(chain(f"t_{{{at}}}", *value))
    return lines


def _cadence_step(cadence: Any, k: int | None, value: list[Any], digits: int) -> Step:
    return equation("Cadence", "Generation $k$ completes at $t_k = \\Delta_1 + \\dots + \\Delta_k$ months "
                    "after the start:", *_time_lines(cadence, k, value, digits), kind="definition")


def _shown_months(subject: Horizon, digits: int) -> list[Any]:
    """``[(relation, months)]`` for ``t_{N*+1}``: ``\\approx`` when the float the API returns rounds it."""
    if subject.months is None:
        return []
    shown, exact = latex_number(subject.months, digits), subject.months_exact
    rounded = exact is None or Fraction(Decimal(real_text(subject.months, digits))) != exact
    return [(r"\approx" if rounded else "=", shown)]


def _zeno_step(cadence: Any) -> Step | None:
    if cadence.zeno is None:
        return None
    first, r = latex_number(cadence.first), latex_number(cadence.ratio)
    return equation(
        "Zeno limit", "With $r < 1$ the intervals shrink geometrically: infinitely many generations "
        "complete before the finite time:", chain("Z", r"\lim_{k \to \infty} t_k", r"\frac{\Delta_1}{1 - r}",
                                                 f"\\frac{{{first}}}{{1 - {r}}}", latex_number(cadence.zeno)),
    )


#: A substituted survival expression longer than this (LaTeX characters) is left out of a certificate line.
_LONGEST_SUBSTITUTION = 120


def budget_certificate(budget: Any, digits: int) -> tuple[Any, ...]:
    """:func:`~bounds.report.derive.certificate_lines`, without substitutions too long to typeset on a line.

    ``S(N^*) \\ge T > S(N^*+1)`` with the API's certified values; a schedule with a long formula (an
    expression schedule, a logistic one) keeps its values and drops the substituted product, which
    the derivation states elsewhere.
    """
    lines = certificate_lines(budget, digits)
    if all(len(part) <= _LONGEST_SUBSTITUTION for line in lines for _, part in line.rhs):
        return lines
    model, threshold, values = budget.model, budget.threshold, budget.certificate_values
    shown_threshold = latex_number(threshold)
    if budget.n is None:
        value = shown_survival(model, None, values[0], threshold, True, digits)
        return (chain(r"S(\infty)", value, (r"\ge", f"T = {shown_threshold}")),)
    tie = values[0] == threshold
    return (
        chain("S(N^{*})", f"S({display_integer(budget.n)})",
              shown_survival(model, budget.n, values[0], threshold, True, digits, tie),
              (r"\ge", f"T = {shown_threshold}")),
        chain("S(N^{*} + 1)", f"S({display_integer(budget.n + 1)})",
              shown_survival(model, budget.n + 1, values[1], threshold, False, digits), ("<", "T")),
    )


def _budget_step(budget: Any, digits: int) -> Step:
    return equation("Budget", f"The certified budget of the model, proved by {budget.certificate_text}:",
                    *budget_certificate(budget, digits), kind="certificate")


def _horizon_steps(subject: Horizon, digits: int) -> list[Step]:
    cadence = subject.cadence
    if subject.generation is None:
        later = (" Past the Zeno limit every generation has completed and $S(N(t)) = S(\\infty)$."
                 if subject.zeno is not None else "")
        return [result("Horizon", "$S(\\infty) \\ge T$, so $S(N(t)) \\ge T$ at every time $t$: the horizon is "
                       "unbounded." + later, chain(r"t_{N^* + 1}", r"\infty"))]
    k = display_integer(subject.generation)
    text = "$S(N(t)) \\ge T$ exactly while $N(t) \\le N^*$, that is until generation $N^* + 1$ completes"
    # a float that rounds t_k (60 - 1e-47 prints as 60) is shown as approximate
    ((relation, shown),) = _shown_months(subject, digits)
    lines = [chain(r"t_{N^* + 1}", f"t_{{{k}}}", (relation, shown + r"\ \text{months}"))]
    if subject.zeno is not None and subject.months_exact is not None:
        gap = subject.zeno - subject.months_exact
        r = latex_number(cadence.ratio)
        lines.append(chain(f"Z - t_{{{k}}}", f"Z\\, {r}^{{{k}}}", _real(gap, digits) + r"\ \text{months}"))
        text += ", just before the Zeno limit"
    return [result("Horizon", text + ":", *lines)]


@derive.register
def _horizon(subject: Horizon, threshold: Any = None, *, digits: int = 6) -> Derivation:
    cadence, budget = subject.cadence, subject.budget
    if cadence is None:
        from bounds.errors import BoundsError

        raise BoundsError("derive: this Horizon does not record its cadence; build it with bounds.timeline.horizon")
    steps: list[Step] = [
        assumption(f"The {_name(budget.model)} model gives $S(N)$. " + _cadence_text(cadence), "Model"),
        assumption("$N(t) = \\max\\{k : t_k \\le t\\}$ generations have completed $t$ months after the start, "
                   "so alignment holds at time $t$ with probability $S(N(t))$.", "Time"),
        _cadence_step(cadence, subject.generation, _shown_months(subject, digits), digits),
    ]
    zeno = _zeno_step(cadence)
    if zeno is not None:
        steps.append(zeno)
    steps.append(_budget_step(budget, digits))
    steps.extend(_horizon_steps(subject, digits))
    values: dict[str, Any] = {
        "budget": budget.n, "threshold": budget.threshold, "generation": subject.generation,
        "months": subject.months, "zeno": subject.zeno, **cadence.parameters(),
    }
    if subject.zeno is not None and subject.months_exact is not None:
        values["months_before_zeno"] = float(subject.zeno - subject.months_exact)
    title = f"Alignment horizon in calendar time, T = {float(budget.threshold):.12g}"
    return Derivation.from_steps(title, steps, values, subject)


def _start_lines(start: Any) -> list[Any]:
    return [chain(f"F(\\text{{{format_month(date)}}})", latex_number(p)) for date, p in start.points]


@derive.register
def _aligned(subject: AlignedProbability, threshold: Any = None, *, digits: int = 6) -> Derivation:
    if subject.cadence is None or subject.start is None or subject.t is None:
        from bounds.errors import BoundsError

        raise BoundsError("derive: this result does not record its question; build it with "
                          "bounds.timeline.aligned_probability")
    start, t = subject.start, subject.t
    date = format_month(t)
    never = start.never
    steps: list[Step] = [
        assumption(f"The {_name(subject.model)} model gives $S(N)$. " + _cadence_text(subject.cadence), "Model"),
        equation(
            "Start", "The start date $t_0$ has the piecewise-linear distribution function $F$ through the "
            "quantiles below (all of the first quantile's mass sits at its date); with probability "
            f"${latex_number(never)}$ the lineage never starts:", *_start_lines(start), kind="definition"),
        _cadence_step(subject.cadence, None, [], digits),
        equation(
            "Aligned", f"At the date {date}, alignment holds if the lineage has not started, or if it started at "
            "$t_0$ and survived the $N(t - t_0)$ generations completed since:",
            chain("P(t)", r"1 - F(t) + \int_{t_0 \le t} S\big(N(t - t_0)\big)\, dF(t_0)"),
            chain("1 - F(t)", latex_number(subject.not_started, digits)),
            chain(r"\int_{t_0 \le t} S\big(N(t - t_0)\big)\, dF(t_0)",
                  latex_number(subject.value - subject.not_started, digits)),
        ),
        result(
            "Result", "The sum over the steps of $S(N(\\cdot))$ (each integral is exact over its steps; the error "
            "bound covers truncation and rounding):",
            chain("P(t)", latex_number(subject.value, digits), (r"\pm", latex_number(subject.error, 2))),
        ),
    ]
    values = {"probability": subject.value, "error": subject.error, "not_started": subject.not_started,
              "t": t, "date": date}
    return Derivation.from_steps(f"Probability of alignment at {date}", steps, values, subject)
