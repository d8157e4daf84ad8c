r"""Derivation steps for the oversight layer and the control game.

For :class:`~bounds.oversight.model.Oversight`: the layer's miss probability
:math:`M` under its dependence model and :math:`\varepsilon = d M`. For
:class:`~bounds.oversight.control.ControlGame`: the ROC at the audit budget, the
per-attack probabilities :math:`c, \ell, g` and the limit :math:`c/(c+\ell)`.
"""

from __future__ import annotations

from typing import Any

from bounds.numeric.certify import evaluate
from bounds.oversight.control import ControlGame
from bounds.oversight.model import Oversight
from bounds.report.derive import Step, chain, current_digits, equation, model_steps
from bounds.report.latex import latex_number
from bounds.report.presentation import Presentation, broken, count_text, given_line, present, row_vector
from bounds.solve.budget import Budget

__all__: list[str] = []

_LAYER: dict[str, tuple[str, Any]] = {
    "independent": ("M", r"P\big(\#\text{misses} \ge m\big) \text{ (Poisson-binomial)}"),
    "beta-factor": ("M", r"\beta q + (1 - \beta q)\, P\big(\mathrm{Bin}(n, (1-\beta) q) \ge m\big)"),
    "mgl": ("Q_j", r"\Big(\prod_{i \le j} \rho_i\Big)(1 - \rho_{j+1})\, \frac{q}{\binom{n-1}{j-1}}"),
    "alpha-factor": ("Q_j", r"\frac{j \alpha_j\, q}{\binom{n-1}{j-1} \alpha_t}"),
    "exchangeable": ("M", r"\sum_{j \ge m} \binom{n}{j} \frac{B(a+j,\, b+n-j)}{B(a, b)}"),
    "any": ("M", (r"\in", r"[M_-, M_+] \text{ (Frechet or LP, proved in exact rationals)}")),
}


@model_steps.register
def _oversight(model: Oversight, budget: Budget) -> list[Step]:
    interval = model.miss_range
    needed = model.monitors - model.vote + 1
    lhs, rhs = _LAYER[model.dependence]
    lines = [chain("m", "n - k + 1", f"{model.monitors} - {model.vote} + 1", str(needed)), chain(lhs, rhs)]
    if model.dependence == "any":
        lines.append(chain("M_+", latex_number(interval.high, current_digits())))
        lines.append(chain("M_-", latex_number(interval.low, current_digits())))
    else:
        lines.append(chain("M", latex_number(interval.high, current_digits())))
    steps = [equation(
        "Layer", f"The defect passes when at least $m$ of the $n = {model.monitors}$ monitors miss "
        f"(dependence: {model.dependence}; the budget uses the largest consistent $M$):", *lines,
    )]
    if not model.wrapped:
        steps.append(equation("Rate", "Per generation, a defect that passes the layer:",
                              chain(r"\varepsilon", "d M", latex_number(model._rate_exact(), current_digits()))))
    if model.effective_monitors is not None:
        effective = latex_number(model.effective_monitors, current_digits())
        steps.append(equation("Effective monitors", "Kish's effective number of independent monitors:",
                              chain(r"n_\text{eff}", r"\frac{n}{1 + (n-1)\rho}", effective)))
    return steps


@model_steps.register
def _control(model: ControlGame, budget: Budget) -> list[Step]:
    from bounds.numeric.certify import ball_to_mpf
    from bounds.numeric.contexts import BallContext

    digits = current_digits()
    with BallContext(128) as ctx:  # the kernel's balls, as the certificate (the midpoints carry every figure shown)
        c, lost, on = (ball_to_mpf(value, 128) for value in model.per_attack(ctx))
        tpr = ball_to_mpf(model.tpr(ctx)[0], 128)
    exact = model.tpr_exact()
    shown: Any = exact if exact is not None else tpr
    roc = (r"\operatorname{logit} \mathrm{TPR} = a + b \operatorname{logit} f" if model.roc is not None
           else r"\mathrm{TPR}(f) \text{ piecewise linear through the ROC points}")
    return [
        equation("ROC", "The monitor's true-positive rate at the audit budget $f$:", chain(roc),
                 chain(r"\mathrm{TPR}", latex_number(shown, digits))),
        equation(
            "Per attack", "Caught (safe stop), lost (unsafe), and the chance the game goes on per generation:",
            chain("c", r"\mathrm{TPR}\, h", latex_number(c, digits)),
            chain(r"\ell", r"(1 - \mathrm{TPR}\, h)\, s", latex_number(lost, digits)),
            chain("g", r"1 - p (c + \ell)", latex_number(on, digits)),
        ),
        # the limit from the kernel's ball log_limit (the number the certificate uses)
        equation("Limit", "The game ends safely with probability", chain(
            r"S(\infty)", r"\frac{c}{c + \ell}", latex_number(evaluate(model.log_limit, digits + 2), digits))),
    ]


@present.register
def _present_control(model: ControlGame, digits: int = 6) -> Presentation:
    given = [given_line("s", model.attack_success), given_line("h", model.auditor_accuracy),
             given_line("f", model.audit_budget)]
    if model.roc is not None:
        given.append(chain("(a, b)", "(" + ",\\ ".join(latex_number(value) for value in model.roc) + ")"))
    else:
        points = ",\\ ".join(f"({latex_number(x)}, {latex_number(y)})" for x, y in model.roc_points)
        given.append(chain("\\text{ROC points}", broken([points])))
    given.append(given_line("p", model.attack_rate) if model.attack_rate is not None
                 else chain("p", "1 \\quad \\text{(the worst case)}"))
    assumptions = [
        "A misaligned model attacks with probability $p$ per generation; an audited attack is caught (a safe "
        "stop) with probability $c = \\mathrm{TPR}\\,h$, an uncaught one succeeds with probability "
        "$\\ell = (1 - \\mathrm{TPR}\\,h)\\,s$.",
        "$g = 1 - p(c + \\ell)$ is the probability that the game goes on.",
    ]
    if model.epsilon is not None:
        given.append(given_line("\\varepsilon", model.epsilon))
        assumptions.append("Before the game the model is aligned and loses alignment with probability "
                           "$\\varepsilon$ per generation.")
    generic = present.dispatch(object)(model, digits)
    return Presentation(
        assumptions=tuple(assumptions), given=tuple(given), survival=generic.survival, at=generic.at,
        references=("R. Greenblatt, B. Shlegeris, K. Sachan and F. Roger, ``AI Control: Improving Safety Despite "
                    "Intentional Subversion'', arXiv:2312.06942 (2023).",),
    )


_DEPENDENCE_TEXT = {
    "independent": "the monitors miss independently",
    "beta-factor": "a common cause ($\\beta$-factor) makes all monitors miss together",
    "mgl": "common causes of every multiplicity (multiple Greek letters)",
    "alpha-factor": "common causes of every multiplicity ($\\alpha$-factor)",
    "exchangeable": "the monitors' misses are exchangeable with correlation $\\rho$ (Eckhardt--Lee)",
    "any": "any dependence between the monitors (the largest consistent $M$ is used)",
}
_DEPENDENCE_SYMBOLS = {"beta": "\\beta", "rho": "\\rho", "alpha": "\\alpha", "greek": "\\rho"}


@present.register
def _present_oversight(model: Oversight, digits: int = 6) -> Presentation:
    if model.wrapped:
        return present.dispatch(object)(model, digits)
    d = latex_number(model.defect_rate)
    given = [given_line("d", model.defect_rate), chain("q", row_vector(model.miss)),
             given_line("n", model.monitors), given_line("k", model.vote)]
    for key, symbol in _DEPENDENCE_SYMBOLS.items():
        value = getattr(model, key, None)
        if value is not None:
            given.append(chain(symbol, row_vector(value) if isinstance(value, tuple) else latex_number(value)))
    return Presentation(
        assumptions=(
            "A generation introduces a defect with probability $d$; $n$ monitors, missing it with "
            "probabilities $q$, vote, and the defect passes when fewer than $k$ of them flag it.",
            f"$M$ is the probability that the layer misses a defect: {_DEPENDENCE_TEXT.get(model.dependence, '')}.",
        ),
        given=tuple(given),
        survival=(chain("S(N)", "(1 - d M)^{N}", f"(1 - {d}\\, M)^{{N}}"),),
        at=lambda n: f"(1 - {d}\\, M)^{{{count_text(n)}}}",
        references=(
            "IEC 61508-6:2010, Annex D (the $\\beta$-factor for common-cause failures).",
            "A. Mosleh et al., NUREG/CR-5485 (1998) (multiple Greek letters, $\\alpha$-factor).",
            "D. E. Eckhardt and L. D. Lee, ``A theoretical basis for the analysis of multiversion software subject "
            "to coincident errors'', IEEE Trans. Software Eng. SE-11 (1985).",
            "L. Kish, \\emph{Survey Sampling}, Wiley (1965).",
        ),
    )
