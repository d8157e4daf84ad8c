r"""Derivations of the fitted schedules and of the Crow--AMSAA fit.

A :class:`~bounds.evidence.fit.FittedSchedule` derives as: the data, the family's rate
:math:`\varepsilon_g(\theta)`, the binomial log-likelihood, the maximum-likelihood estimate and its
AIC, the likelihood-ratio region, the dominating corner (why its budget bounds every budget in the
region) and both certified budgets. A :class:`~bounds.evidence.fit.FitReport` adds the AIC of every
candidate and the trend test. A :class:`~bounds.evidence.crow_amsaa.CrowAMSAA` derives as the closed
forms :math:`\hat\beta = n / \sum \ln(T/t_i)`, :math:`\hat\lambda = n / T^{\hat\beta}`, Crow's bounds and
the two trend tests. Every number is the API's.
"""

from __future__ import annotations

from typing import Any

from bounds.evidence.crow_amsaa import CrowAMSAA
from bounds.evidence.fit import FitReport, FittedSchedule
from bounds.report.derivations.timeline import budget_certificate
from bounds.report.derive import Derivation, Step, assumption, chain, derive, equation, result
from bounds.report.latex import display_integer, latex_integer, latex_number

__all__: list[str] = []

#: Generations listed one by one in the data step (the rest are summarised by their totals).
_SHOWN_ROWS = 8

_SYMBOLS = {
    "epsilon": r"\varepsilon", "epsilon1": r"\varepsilon_1", "ratio": "r", "exponent": "s",
    "epsilon_max": r"\varepsilon_{\max}", "steepness": "k", "midpoint": "i_0",
}
_RATES = {
    "independent": r"\varepsilon",
    "geometric": r"\min\!\big(1,\ \varepsilon_1 r^{g-1}\big)",
    "power": r"\varepsilon_1\, g^{-s}",
    "logistic": r"\frac{\varepsilon_{\max}}{1 + e^{-k (g - i_0)}}",
}
_CORNER_TEXT = {
    "independent": "The rate is $\\varepsilon$ itself: the largest $\\varepsilon$ of the region has the smallest "
                   "budget.",
    "geometric": "Every rate $\\varepsilon_1 r^{g-1}$ is non-decreasing in $\\varepsilon_1$ and in $r$ "
                 "(as $g - 1 \\ge 0$), so the corner of the largest $\\varepsilon_1$ and the largest $r$ has "
                 "rates at least those of every point of the region, hence $S$ and the budget at most theirs.",
    "power": "Every rate $\\varepsilon_1 g^{-s}$ is non-decreasing in $\\varepsilon_1$ and non-increasing in $s$ "
             "(as $\\ln g \\ge 0$), so the corner of the largest $\\varepsilon_1$ and the smallest $s$ dominates "
             "the region.",
    "logistic": "The rate is non-decreasing in $\\varepsilon_{\\max}$ but not monotone in $k$; as $k (g - i_0)$ is "
                "bilinear in $(k, i_0)$ its largest value over the region's box is at one of the four corners "
                "for every $g$, so the schedule $\\varepsilon_{\\max} \\max_{\\text{corners}} "
                "\\sigma(k (g - i_0))$ dominates the region.",
}


def _symbol(name: str) -> str:
    return _SYMBOLS.get(name, f"\\mathrm{{{name}}}")


def _hat(name: str) -> str:
    symbol = _symbol(name)
    if symbol.startswith(r"\varepsilon_"):
        return r"\hat{\varepsilon}" + symbol[len(r"\varepsilon"):]
    return f"\\hat{{{symbol}}}"


def _data_step(subject: FittedSchedule) -> Step:
    data = subject.data
    rows = list(zip(data.generations.tolist(), data.trials.tolist(), data.failures.tolist(), strict=True))
    lines = [chain(f"(n_{{{g}}}, k_{{{g}}})", f"({latex_integer(n)}, {latex_integer(k)})")
             for g, n, k in rows[:_SHOWN_ROWS]]
    if len(rows) > _SHOWN_ROWS:
        lines.append(chain(r"\textstyle\sum_g (n_g, k_g)", f"({latex_integer(int(data.trials.sum()))}, "
                           f"{latex_integer(int(data.failures.sum()))})"))
    return equation("Data", f"{len(rows)} generations $g$ were tested with $n_g$ trials each, of which $k_g$ "
                    "failed:", *lines, kind="definition")


def _likelihood_step(subject: FittedSchedule) -> Step:
    return equation(
        "Likelihood", f"The {subject.family} family's rate in generation $g$, and the binomial log-likelihood "
        "(without the binomial coefficients, which do not depend on $\\theta$):",
        chain(r"\varepsilon_g(\theta)", _RATES[subject.family]),
        chain(r"\ell(\theta)", r"\sum_g \Big(k_g \ln \varepsilon_g(\theta) + (n_g - k_g) \ln\big(1 - "
              r"\varepsilon_g(\theta)\big)\Big)"),
    )


def _mle_step(subject: FittedSchedule, digits: int) -> Step:
    p = len(subject.parameters)
    lines = [chain(_hat(name), latex_number(value, digits)) for name, value in subject.parameters.items()]
    peak, aic = latex_number(subject.log_likelihood, digits), latex_number(subject.aic, digits)
    lines.append(chain(r"\ell(\hat\theta)", peak))
    lines.append(chain(r"\mathrm{AIC}", r"2p - 2\ell(\hat\theta)", f"2 \\cdot {p} - 2 \\cdot ({peak})", aic))
    return equation("Estimate", f"The maximum-likelihood estimate $\\hat\\theta$ (numerically, over $p = {p}$ "
                    "parameters) and Akaike's criterion:", *lines, kind="solution")


def _region_step(subject: FittedSchedule, digits: int) -> Step:
    p, level = len(subject.parameters), latex_number(subject.confidence)
    lines = [
        chain(r"R_C", r"\big\{\theta : 2\big(\ell(\hat\theta) - \ell(\theta)\big) \le \chi^2_{p}(C)\big\}"),
        chain(f"\\chi^2_{{{p}}}({level})", latex_number(subject.cut, digits)),
    ]
    lines += [chain(_symbol(name), (r"\in", f"[{latex_number(low, digits)},\\ {latex_number(high, digits)}"
                                    "]"))
              for name, (low, high) in subject.region.items()]
    bounded = "" if subject.region_bounded else ("; the data do not bound the region inside the search box, so "
                                                 "its edge stands in for the missing extreme")
    return equation("Region", f"The likelihood-ratio confidence region at level $C = {level}$ (Wilks: "
                    "asymptotically $\\chi^2_p$) and its extent in each parameter (profile likelihood)" + bounded + ":",
                    *lines, kind="bound")


def _corner_step(subject: FittedSchedule, digits: int) -> Step:
    lines = []
    for name, value in subject.corner.items():
        if isinstance(value, list):
            lines.append(chain(_symbol(name), (r"\in", f"[{latex_number(value[0], digits)},\\ "
                                               f"{latex_number(value[1], digits)}]")))
        else:
            lines.append(chain(_symbol(name) + r"^{\mathrm{c}}", latex_number(value, digits)))
    return equation("Corner", _CORNER_TEXT[subject.family] + " The corner's parameters (widened outward by a "
                    "relative $10^{-6}$ and rounded outward):", *lines, kind="bound")


def _budget_steps(subject: FittedSchedule, digits: int) -> list[Step]:
    steps = []
    for label, budget, text in (
        ("Budget at the estimate", subject.budget_mle, "The budget of the schedule at $\\hat\\theta$"),
        ("Conservative budget", subject.budget_conservative,
         "The budget of the corner's schedule, a lower bound of the budget at every $\\theta$ of the region"),
    ):
        if budget is not None:
            steps.append(equation(label, f"{text}, certified by {budget.certificate_text}:",
                                  *budget_certificate(budget, digits), kind="certificate"))
    return steps


def _shown_budget(budget: Any) -> str:
    return r"\infty" if budget.n is None else display_integer(budget.n)


def _schedule_steps(subject: FittedSchedule, digits: int) -> list[Step]:
    if subject.data is None:
        from bounds.errors import BoundsError

        raise BoundsError("derive: this fit does not record its data; build it with bounds.evidence.fit.fit_family")
    steps: list[Step] = [
        assumption("In generation $g$ each of $n_g$ red-team trials fails independently with probability "
                   "$\\varepsilon_g(\\theta)$, the same for every trial of that generation.", "Model"),
        _data_step(subject), _likelihood_step(subject), _mle_step(subject, digits), _region_step(subject, digits),
        _corner_step(subject, digits), *_budget_steps(subject, digits),
    ]
    lines = [chain(f"N^{{*}}_{{{name}}}", _shown_budget(budget))
             for name, budget in (("\\hat\\theta", subject.budget_mle), ("\\mathrm{cons}", subject.budget_conservative))
             if budget is not None]
    text = "The estimate:" if not lines else "The budget at the estimate, and the conservative budget that holds " \
        f"for every parameter of the {latex_number(subject.confidence)} region:"
    lines = lines or [chain(_hat(name), latex_number(value, digits)) for name, value in subject.parameters.items()]
    steps.append(result("Result", text, *lines))
    return steps


def _values(subject: FittedSchedule) -> dict[str, Any]:
    return {
        "family": subject.family, "parameters": dict(subject.parameters), "log_likelihood": subject.log_likelihood,
        "aic": subject.aic, "region": dict(subject.region), "corner": dict(subject.corner), "cut": subject.cut,
        "budget_mle": None if subject.budget_mle is None else subject.budget_mle.n,
        "budget_conservative": None if subject.budget_conservative is None else subject.budget_conservative.n,
    }


@derive.register
def _fitted(subject: FittedSchedule, threshold: Any = None, *, digits: int = 6) -> Derivation:
    return Derivation.from_steps(f"Fitted {subject.family} schedule and its conservative budget",
                                 _schedule_steps(subject, digits), _values(subject), subject)


@derive.register
def _report(subject: FitReport, threshold: Any = None, *, digits: int = 6) -> Derivation:
    chosen = subject.chosen
    steps = _schedule_steps(chosen, digits)
    extra: list[Step] = []
    if len(subject.candidates) > 1:
        lines = [chain(f"\\mathrm{{AIC}}_{{\\text{{{c.family}}}}}", latex_number(c.aic, digits))
                 for c in subject.candidates]
        extra.append(equation("Model choice", f"Every family was fitted; the smallest AIC chooses the "
                              f"{chosen.family} family:", *lines, kind="solution"))
    extra.append(equation(
        "Trend", "The likelihood-ratio test of a constant rate against a geometric trend: the constant rate is "
        "the geometric family at $r = 1$, so under it $D$ is asymptotically $\\chi^2_1$. A large $p$ says the data "
        "cannot tell a trend from noise at this sample size, not that there is no trend.",
        chain("D", r"2\big(\ell_{\text{geometric}} - \ell_{\text{independent}}\big)",
              latex_number(subject.trend_statistic, digits)),
        chain("p", r"P\big(\chi^2_1 \ge D\big)", latex_number(subject.trend_p_value, digits)),
        kind="bound",
    ))
    steps = steps[:-1] + extra + steps[-1:]
    values = {**_values(chosen), "trend_statistic": subject.trend_statistic, "trend_p_value": subject.trend_p_value,
              "aic_by_family": {c.family: c.aic for c in subject.candidates}}
    return Derivation.from_steps(f"Fitted schedule: {chosen.family} (chosen by AIC), conservative budget",
                                 steps, values, subject)


@derive.register
def _crow(subject: CrowAMSAA, threshold: Any = None, *, digits: int = 6) -> Derivation:
    n, df = subject.n, subject.degrees_of_freedom
    beta, lam, end = (latex_number(x, digits) for x in (subject.beta, subject.lam, subject.end))
    total = latex_number(subject.log_sum, digits)
    low_q, high_q = (latex_number(q, digits) for q in subject.chi2_quantiles)
    level = latex_number(subject.confidence)
    how = ("time-terminated: observation stopped at $T$" if subject.time_terminated
           else "failure-terminated: observation stopped at the last failure, $T = t_n$")
    unbiased = r"\frac{n - 1}{n}\hat\beta" if subject.time_terminated else r"\frac{n - 2}{n}\hat\beta"
    steps: list[Step] = [
        assumption("The failures form a power-law (Crow--AMSAA) process: a Poisson process with intensity "
                   "$\\rho(t) = \\lambda \\beta t^{\\beta - 1}$ and $E\\,N(t) = \\lambda t^{\\beta}$; $\\beta < 1$ is "
                   f"reliability growth. The test was {how}.", "Model"),
        equation("Data", "The number of failures, the end of the test, and the sufficient statistic:",
                 chain("n", latex_integer(n)), chain("T", end),
                 chain(r"\sum_{i} \ln(T/t_i)", total), kind="definition"),
        equation("Estimate", "The maximum-likelihood estimates in closed form:",
                 chain(r"\hat\beta", r"\frac{n}{\sum_i \ln(T/t_i)}", f"\\frac{{{latex_integer(n)}}}{{{total}}}", beta),
                 chain(r"\hat\lambda", r"\frac{n}{T^{\hat\beta}}", f"\\frac{{{latex_integer(n)}}}{{{end}^{{{beta}}}}}",
                       lam),
                 chain(r"\bar\beta", unbiased, latex_number(subject.beta_unbiased, digits)),
                 kind="solution"),
        equation("Bounds", f"Given $n$, $2 n \\beta / \\hat\\beta$ has the $\\chi^2_{{{df}}}$ distribution, so Crow's "
                 f"two-sided bounds at level ${level}$ are exact:",
                 chain(r"\beta_L", r"\hat\beta\, \frac{\chi^2_{(1-C)/2}}{2n}", f"{beta} \\cdot \\frac{{{low_q}}}"
                       f"{{{latex_integer(2 * n)}}}", latex_number(subject.beta_bounds[0], digits)),
                 chain(r"\beta_U", r"\hat\beta\, \frac{\chi^2_{(1+C)/2}}{2n}", f"{beta} \\cdot \\frac{{{high_q}}}"
                       f"{{{latex_integer(2 * n)}}}", latex_number(subject.beta_bounds[1], digits)),
                 chain(r"\mathrm{MTBF}(T)", r"\frac{1}{\hat\lambda \hat\beta T^{\hat\beta - 1}}",
                       latex_number(subject.mtbf_end, digits)),
                 chain(r"\overline{\mathrm{MTBF}}(T)", r"\frac{T}{n \bar\beta}",
                       latex_number(subject.mtbf_end_unbiased, digits)), kind="bound"),
        equation("Trend", "Two tests of a constant rate ($\\beta = 1$), Laplace's over the "
                 f"$m = {latex_integer(n if subject.time_terminated else n - 1)}$ failures before $T$; both detect a "
                 "monotone trend, neither says the power law is the right shape:",
                 chain(r"\chi^2", r"2 \sum_i \ln(T/t_i)", latex_number(subject.mil_hdbk_statistic, digits)),
                 chain(r"p_{\text{MIL-HDBK-189}}", latex_number(subject.mil_hdbk_p_value, digits)),
                 chain("U", r"\frac{\bar t - T/2}{T / \sqrt{12 m}}", latex_number(subject.laplace_statistic, digits)),
                 chain(r"p_{\text{Laplace}}", latex_number(subject.laplace_p_value, digits)), kind="bound"),
        result("Result", "The fitted growth parameter with its bounds:",
               chain(r"\hat\beta", beta, (r"\in", f"[{latex_number(subject.beta_bounds[0], digits)},\\ "
                                          f"{latex_number(subject.beta_bounds[1], digits)}]"))),
    ]
    return Derivation.from_steps("Crow-AMSAA fit of failure times", steps, subject.to_dict(), subject)
