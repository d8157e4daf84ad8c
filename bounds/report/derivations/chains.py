r"""Presentations of the Markov chains: an absorbing chain of transient states, and hidden regimes.

The matrices are shown as given (``pmatrix``; large ones elided), substituted
into :math:`S(N) = \alpha Q^N \mathbf{1}` (regimes: :math:`\pi D (P D)^{N-1} \mathbf{1}`),
and the expected number of generations to becoming unsafe,
:math:`\alpha (I - Q)^{-1} \mathbf{1}`, is the model's exact rational solve.
"""

from __future__ import annotations

from bounds.models.absorbing import AbsorbingChain
from bounds.models.markov import MarkovModulated
from bounds.report.derive import Step, current_digits, equation, model_steps
from bounds.report.presentation import (
    Presentation,
    count_text,
    derived_line,
    matrix,
    present,
    row_vector,
)
from bounds.report.steps import chain
from bounds.solve.budget import Budget

__all__: list[str] = []

_ONES = "\\mathbf{1}"


def _column_of_ones(size: int) -> str:
    if size > 6:
        return "\\mathbf{1}"
    return "\\begin{pmatrix} " + " \\\\ ".join(["1"] * size) + " \\end{pmatrix}"


@present.register
def _absorbing(model: AbsorbingChain, digits: int = 6) -> Presentation:
    size = len(model.Q)
    rows = [list(row) for row in model.Q]
    q, alpha, ones = matrix(rows), row_vector(model.initial), _column_of_ones(size)
    given = [chain("Q", q), chain("\\alpha", alpha)]
    assumptions = [
        "Each generation the lineage moves between transient states by $Q$ (the Markov property); "
        "the initial distribution over the states is $\\alpha$.",
        "What a row of $Q$ lacks to sum to 1 is the probability of becoming unsafe, which is absorbing.",
    ]
    if model.names:
        assumptions.append("The states, in order: " + ", ".join(str(name) for name in model.names) + ".")
    if model.safe is not None:
        given.append(chain("s", row_vector(model.safe)))
        assumptions.append("From each state the lineage may also be stopped safely (probabilities $s$); once "
                           "stopped it never becomes unsafe, so $S(\\infty) > 0$.")
        q, alpha = "Q'", "\\alpha'"  # the chain with the safe state appended
    return Presentation(
        assumptions=tuple(assumptions),
        given=tuple(given),
        survival=(chain("S(N)", f"\\alpha Q^{{N}} {_ONES}", f"{alpha} {q}^{{N}} {ones}"),),
        at=lambda n: f"{alpha} {q}^{{{count_text(n)}}} {ones}" if size <= 3 else None,
        limit="\\lim_{N \\to \\infty} \\alpha Q^{N} \\mathbf{1}",
        references=(
            "M. F. Neuts, \\emph{Matrix-Geometric Solutions in Stochastic Models}, Johns Hopkins University "
            "Press (1981).",
            "J. G. Kemeny and J. L. Snell, \\emph{Finite Markov Chains}, Springer (1976).",
        ),
    )


@model_steps.register
def _absorbing_mean(model: AbsorbingChain, budget: Budget) -> list[Step]:
    mean = model.mean_generations_exact()
    if mean is None:
        return []
    start, step = ("\\pi", "D P") if isinstance(model, MarkovModulated) else ("\\alpha", "Q")
    return [equation("Expected generations", "The expected number of generations before becoming unsafe "
                     f"(the sum of $S(N)$ over $N \\ge 0$), from the exact solve of $(I - {step})x = \\mathbf{{1}}$:",
                     derived_line("\\bar{N}", f"{start} (I - {step})^{{-1}} \\mathbf{{1}}", mean, current_digits()))]


@present.register
def _markov(model: MarkovModulated, digits: int = 6) -> Presentation:
    size = len(model.failure)
    transition = matrix([list(row) for row in model.transition])
    keep = matrix([[1 - f if r == c else 0 for c in range(size)] for r, f in enumerate(model.failure)])
    pi, ones = row_vector(model.initial), _column_of_ones(size)
    return Presentation(
        assumptions=(
            "A hidden regime follows a Markov chain with transition matrix $P$, starting from the distribution "
            "$\\pi$.",
            "Given the sequence of regimes, generations fail independently, with probability $f_j$ in regime $j$; "
            "$D = \\mathrm{diag}(1 - f)$.",
        ),
        given=(chain("P", transition), chain("f", row_vector(model.failure)), chain("\\pi", pi)),
        derived=(chain("D", "\\mathrm{diag}(1 - f)", keep),),
        survival=(chain("S(N)", f"\\pi D (P D)^{{N-1}} {_ONES}"),
                  chain("", f"{pi} D \\bigl({transition} D\\bigr)^{{N-1}} {ones}")),
        at=lambda n: f"\\pi D (P D)^{{{count_text(n - 1)}}} {_ONES}" if n >= 1 else "1",
        limit="\\lim_{N \\to \\infty} \\pi D (P D)^{N-1} \\mathbf{1}",
        references=(
            "E. N. Gilbert, ``Capacity of a burst-noise channel'', Bell System Technical Journal 39 (1960).",
            "E. O. Elliott, ``Estimates of error rates for codes on burst-noise channels'', Bell System "
            "Technical Journal 42 (1963).",
        ),
    )
