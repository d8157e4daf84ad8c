r"""Presentations of the mixtures: the beta mixture (exchangeable failures) and a finite mixture of flaws.

The beta mixture shows the pair the user gave (``mean, rho`` or ``a, b``) and
then the derived pair; its survival
:math:`\Gamma(a+b)\,\Gamma(b+N) / (\Gamma(b)\,\Gamma(a+b+N))` is written in that
order, with the numbers substituted (derived numbers that ``digits`` figures
cannot show exactly stay symbols, so no equality is approximate).
"""

from __future__ import annotations

from bounds.models.exchangeable import BetaMixture
from bounds.models.mixture import FiniteMixture
from bounds.report.numbers import latex_number
from bounds.report.presentation import (
    Presentation,
    broken,
    count_text,
    derived_line,
    given_line,
    present,
    row_vector,
    value_or_symbol,
)
from bounds.report.steps import Line, chain

__all__: list[str] = []

_BETA_REFERENCES = (
    "B. de Finetti, ``La pr\\'evision: ses lois logiques, ses sources subjectives'', "
    "Annales de l'Institut Henri Poincar\\'e 7 (1937).",
    "N. L. Johnson, A. W. Kemp and S. Kotz, \\emph{Univariate Discrete Distributions}, 3rd ed., Wiley (2005), "
    "\\S 6.2.2 (the beta-geometric distribution).",
)


def _beta_given(model: BetaMixture, digits: int) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    moments = (given_line("\\bar{\\varepsilon}", model.mean), given_line("\\rho", model.rho))
    shapes = (given_line("a", model.a), given_line("b", model.b))
    if tuple(model.given_parameters()) == ("mean", "rho"):
        derived = (
            derived_line("a", "\\bar{\\varepsilon}\\,(1/\\rho - 1)", model.a, digits),
            derived_line("b", "(1 - \\bar{\\varepsilon})(1/\\rho - 1)", model.b, digits),
        )
        return moments, derived
    derived = (derived_line("\\bar{\\varepsilon}", "a/(a+b)", model.mean, digits),
               derived_line("\\rho", "1/(a+b+1)", model.rho, digits))
    return shapes, derived


@present.register
def _beta_mixture(model: BetaMixture, digits: int = 6) -> Presentation:
    given, derived = _beta_given(model, digits)
    a = value_or_symbol(model.a, "a", digits)
    b = value_or_symbol(model.b, "b", digits)
    total = value_or_symbol(model.a + model.b, "a+b", digits)

    def ratio(n: str) -> str:
        return (f"\\frac{{\\Gamma({total})\\,\\Gamma({b} + {n})}}"
                f"{{\\Gamma({b})\\,\\Gamma({total} + {n})}}")

    symbolic = "\\frac{\\Gamma(a+b)\\,\\Gamma(b+N)}{\\Gamma(b)\\,\\Gamma(a+b+N)}"
    survival = [chain("S(N)", "\\frac{B(a,\\, b+N)}{B(a,\\, b)}", symbolic)]
    if (a, b) != ("a", "b"):
        survival.append(chain("", ratio("N")))
    return Presentation(
        assumptions=(
            "Each lineage draws its failure rate once, $\\varepsilon \\sim \\mathrm{Beta}(a, b)$, and then fails "
            "independently at that rate at every generation: the failures are exchangeable.",
            "The marginal rate is $\\bar{\\varepsilon} = a/(a+b)$ and the correlation of two generations' "
            "failures is $\\rho = 1/(a+b+1)$.",
        ),
        given=given,
        derived=derived,
        survival=tuple(survival),
        at=lambda n: ratio(count_text(n)),
        references=_BETA_REFERENCES,
    )


@present.register
def _finite_mixture(model: FiniteMixture, digits: int = 6) -> Presentation:
    weights, rates = list(model.weights), list(model.rates)
    count = len(weights)

    def terms(power: str) -> str:
        pieces = [f"{latex_number(w)}\\,(1 - {latex_number(e)})^{{{power}}}" for w, e in zip(weights, rates,
                                                                                               strict=True)]
        if count > 6:
            pieces = [*pieces[:3], "\\cdots", *pieces[-2:]]
        return broken([pieces[0], *("+ " + piece for piece in pieces[1:])])

    return Presentation(
        assumptions=(
            "The lineage carries one latent flaw $k$, with probability $w_k$, fixed for all generations.",
            "Given flaw $k$, generations fail independently with probability $\\varepsilon_k$.",
        ),
        given=(chain(f"(w_1, \\dots, w_{{{count}}})", row_vector(weights)),
               chain(f"(\\varepsilon_1, \\dots, \\varepsilon_{{{count}}})", row_vector(rates))),
        derived=(derived_line("\\bar{\\varepsilon}", "\\sum_k w_k \\varepsilon_k", model.mean, digits),),
        survival=(chain("S(N)", f"\\sum_{{k=1}}^{{{count}}} w_k (1 - \\varepsilon_k)^N", terms("N")),),
        at=lambda n: terms(count_text(n)),
        references=("G. J. McLachlan and D. Peel, \\emph{Finite Mixture Models}, Wiley (2000), ch. 1.",),
    )
