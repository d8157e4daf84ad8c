"""Side-by-side budgets for one marginal rate: a registry of comparison rows.

``bounds compare`` and the demo print one row per registered function. The
library's own rows (independent, Frechet, sandwich, beta-mixture, pairwise
dependence, persistent floor and its cap; with monitors, the oversight layer
under each dependence model; with an audit budget and ROC, the control game)
are registered here, when this module
is imported, so that :func:`compare` returns the same rows whatever else has been
imported; each row kind is one function. A user or plug-in adds rows with
:func:`comparison_row`. Models never import this module (it solves budgets).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from bounds.display import Displayed
from bounds.errors import CertificationError, ParameterError
from bounds.models.exchangeable import BetaMixture
from bounds.models.independent import Independent
from bounds.models.unsafe import PersistentUnsafe
from bounds.numeric.certify import MAX_PREC, START_PREC
from bounds.numeric.contexts import BallContext
from bounds.numeric.parse import exact, format_number, probability
from bounds.numeric.parse import threshold as as_threshold
from bounds.report.numbers import latex_number

__all__ = ["ComparisonRow", "ComparisonTable", "compare", "comparison_row"]


@dataclass(frozen=True)
class ComparisonRow(Displayed):
    """One line of a comparison.

    ``budget`` is the exact integer (``None`` when unbounded); ``kind`` is
    ``"model"`` for a model's certified budget and ``"bound"`` for a bound on
    the budget that holds for a whole class of models.
    """

    label: str
    budget: int | None
    kind: str
    assumption: str
    # the inputs of the comparison the row belongs to (set by compare(), shown by its derivation)
    epsilon: Fraction | None = field(default=None, compare=False, repr=False)
    threshold: Fraction | None = field(default=None, compare=False, repr=False)
    options: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # the label and assumption as prose with $...$ maths, for documents (None: the plain text is already prose)
    label_tex: str | None = field(default=None, compare=False, repr=False)
    assumption_tex: str | None = field(default=None, compare=False, repr=False)

    def prose(self) -> tuple[str, str]:
        """``(label, assumption)`` as prose with ``$...$`` maths, as reports and derivations typeset them."""
        return self.label_tex or self.label, self.assumption_tex or self.assumption

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "budget": self.budget,
            "unbounded": self.budget is None,
            "kind": self.kind,
            "assumption": self.assumption,
        }


class ComparisonTable(list, Displayed):
    """The rows of :func:`compare`: a list, shown as a table in Jupyter."""


RowFunction = Callable[[Fraction, Fraction, dict[str, Any]], "ComparisonRow | None"]
_ROWS: list[RowFunction] = []


def comparison_row(function: RowFunction) -> RowFunction:
    """Register ``function(epsilon, threshold, options) -> ComparisonRow | None``."""
    _ROWS.append(function)
    return function


def compare(epsilon: Any, threshold: Any, **options: Any) -> ComparisonTable:
    """Budgets of every registered comparison for marginal rate ``epsilon`` and threshold ``T``.

    Examples
    --------
    >>> for row in compare("0.001", "0.605")[:4]:
    ...     print(row.label, row.budget)
    independent 502
    any dependence (Frechet worst case) 395
    sandwich lower floor((1-T)/eps) 395
    sandwich upper floor(ln(1/T)/eps) 502
    """
    rate = probability(epsilon, "epsilon")
    target = as_threshold(threshold)
    rows = (function(rate, target, options) for function in _ROWS)
    return ComparisonTable(
        replace(row, epsilon=rate, threshold=target, options=dict(options)) for row in rows if row is not None
    )


@comparison_row
def _independent(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow:
    result = Independent(epsilon=epsilon).budget(threshold)
    return ComparisonRow("independent", result.n, "model", "failures independent across generations")


@comparison_row
def _worst_case(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow:
    # Boole: S(N) >= 1 - N*eps, attained by disjoint failure events (Frechet sharp)
    budget = None if epsilon == 0 else math.floor((1 - threshold) / epsilon)
    return ComparisonRow(
        "any dependence (Frechet worst case)", budget, "bound",
        "only the marginal rate is known; disjoint failure events attain it",
        label_tex="any dependence (Fréchet worst case)",
    )


@comparison_row
def _sandwich_lower(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow:
    budget = None if epsilon == 0 else math.floor((1 - threshold) / epsilon)
    return ComparisonRow("sandwich lower floor((1-T)/eps)", budget, "bound", "(1-eps)^N >= 1 - N eps",
                         label_tex=r"sandwich lower $\lfloor (1-T)/\varepsilon \rfloor$",
                         assumption_tex=r"$(1-\varepsilon)^N \ge 1 - N\varepsilon$ (Bernoulli)")


def _sandwich_upper_row(budget: int | None) -> ComparisonRow:
    return ComparisonRow("sandwich upper floor(ln(1/T)/eps)", budget, "bound", "(1-eps)^N <= exp(-N eps)",
                         label_tex=r"sandwich upper $\lfloor \ln(1/T)/\varepsilon \rfloor$",
                         assumption_tex=r"$(1-\varepsilon)^N \le e^{-N\varepsilon}$")


@comparison_row
def _sandwich_upper(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow:
    if epsilon == 0:
        return _sandwich_upper_row(None)
    if threshold == 1:
        return _sandwich_upper_row(0)
    # ln(1/T)/eps is irrational for rational T < 1 (Lindemann), so a ball of it at rising
    # precision always has a unique floor: that floor is proved
    prec = START_PREC
    while prec <= MAX_PREC:
        with BallContext(prec) as ctx:
            floor = (-ctx.log(ctx.number(threshold)) / ctx.number(epsilon)).floor().unique_fmpz()
        if floor is not None:
            return _sandwich_upper_row(int(floor))
        prec *= 2
    raise CertificationError(f"could not separate ln(1/T)/eps from an integer at {MAX_PREC} bits")


@comparison_row
def _beta_mixture(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    rho = options.get("rho")
    if rho is None or not 0 < epsilon < 1 or exact(rho, "rho") == 0:
        return None  # rho = 0 is the independent row
    model = BetaMixture(mean=epsilon, rho=rho)
    return ComparisonRow(
        f"beta-mixture (rho={format_number(model.rho)})",
        model.budget(threshold).n,
        "model",
        "exchangeable: one Beta-distributed rate per lineage, same marginal rate",
        label_tex=f"beta-mixture, $\\rho = {latex_number(model.rho)}$",
    )


def _pairwise_row(end: str, assumption: str) -> None:
    """Register the dependence-free interval's ``end`` (``guaranteed`` or ``possible``) as a row."""

    @comparison_row
    def row(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
        rho = options.get("rho")
        if rho is None:
            return None
        from bounds.marginal.dependence_budget import dependence_free_budget

        interval = dependence_free_budget(epsilon, threshold, rho)
        shown = format_number(exact(rho, "rho"))
        return ComparisonRow(
            f"any dependence, pairwise rho={shown}: {end}", getattr(interval, end), "bound", assumption,
            label_tex=f"any dependence, pairwise $\\rho = {latex_number(exact(rho, 'rho'))}$: {end}",
        )


_pairwise_row(
    "guaranteed", "every joint law with these marginals and pairwise correlations (Kwerel, sharp for N fixed)"
)
_pairwise_row("possible", "no joint law with these marginals and pairwise correlations has a larger budget")


@comparison_row
def _persistent_floor(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    if options.get("mass") is None:
        return None
    mass = probability(options["mass"], "mass")
    return ComparisonRow(
        f"persistent floor delta = {format_number(mass)}",
        PersistentUnsafe(Independent(epsilon=epsilon), mass).budget(threshold).n,
        "model",
        "an unsafe mass delta no defense removes: epsilon_i' = max(epsilon, delta)",
        label_tex=f"persistent floor $\\delta = {latex_number(mass)}$",
        assumption_tex="an unsafe mass $\\delta$ no defense removes: $\\varepsilon_i' = \\max(\\varepsilon, \\delta)$",
    )


@comparison_row
def _floor_cap(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    if options.get("mass") is None:
        return None
    mass = probability(options["mass"], "mass")
    return ComparisonRow(
        "cap floor(ln T/ln(1-delta))",
        Independent.exactly(mass).budget(threshold).n,
        "bound",
        "no budget exceeds it while the unsafe mass persists, however good the defenses",
        label_tex=r"cap $\lfloor \ln T/\ln(1-\delta) \rfloor$",
    )


# -- oversight: the same defect rate filtered by a layer of monitors (bounds.oversight) --------------------------

def _layer(epsilon: Fraction, options: dict[str, Any], dependence: str, **extra: Any) -> Any:
    """``Oversight`` with defect rate ``epsilon`` and the monitors of ``options`` (``miss``, ``monitors``, ``vote``)."""
    from bounds.oversight import Oversight

    return Oversight(epsilon, options["miss"], vote=options.get("vote") or 1, dependence=dependence,
                     monitors=options.get("monitors"), **extra)


def _layer_name(model: Any) -> str:
    return f"oversight {model.vote}-of-{model.monitors}"


def _has_monitors(options: dict[str, Any]) -> bool:
    return options.get("miss") is not None


@comparison_row
def _oversight_independent(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    if not _has_monitors(options):
        return None
    model = _layer(epsilon, options, "independent")
    return ComparisonRow(
        f"{_layer_name(model)}, independent monitors", model.budget(threshold).n, "model",
        f"each defect (rate eps) passes when fewer than {model.vote} monitors flag it; misses independent "
        f"(Poisson-binomial): M = {format_number(model.layer_miss)}",
        assumption_tex=f"each defect (rate $\\varepsilon$) passes when fewer than {model.vote} monitors flag it; "
        f"misses independent (Poisson-binomial): $M = {latex_number(model.layer_miss, 6)}$",
    )


@comparison_row
def _oversight_beta_factor(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    if not _has_monitors(options) or options.get("monitor_beta") is None:
        return None
    model = _layer(epsilon, options, "beta-factor", beta=options["monitor_beta"])
    return ComparisonRow(
        f"{_layer_name(model)}, beta-factor beta={format_number(model.beta)}", model.budget(threshold).n, "model",
        "a common cause (probability beta q) blinds every monitor, the rest miss independently "
        f"(IEC 61508-6 Annex D): M = {format_number(model.layer_miss)}",
        label_tex=f"{_layer_name(model)}, beta-factor $\\beta = {latex_number(model.beta)}$",
        assumption_tex="a common cause (probability $\\beta q$) blinds every monitor, the rest miss "
        f"independently (IEC 61508-6 Annex D): $M = {latex_number(model.layer_miss, 6)}$",
    )


@comparison_row
def _oversight_exchangeable(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    if not _has_monitors(options) or options.get("monitor_rho") is None:
        return None
    model = _layer(epsilon, options, "exchangeable", rho=options["monitor_rho"])
    shown = format_number(model.effective_monitors)
    return ComparisonRow(
        f"{_layer_name(model)}, shared difficulty rho={format_number(model.rho)} (n_eff={shown})",
        model.budget(threshold).n, "model",
        "a defect's difficulty ~ Beta with mean q and correlation rho blinds the monitors together "
        f"(Eckhardt-Lee): M = {format_number(model.layer_miss)}",
        label_tex=f"{_layer_name(model)}, shared difficulty $\\rho = {latex_number(model.rho)}$ "
        f"($n_{{\\mathrm{{eff}}}} = {latex_number(model.effective_monitors, 6)}$)",
        assumption_tex="a defect's difficulty $\\sim \\mathrm{Beta}$ with mean $q$ and correlation $\\rho$ blinds "
        f"the monitors together (Eckhardt--Lee): $M = {latex_number(model.layer_miss, 6)}$",
    )


def _oversight_any_row(end: str, assumption: str, assumption_tex: str) -> None:
    """Register the ``any``-dependence budget interval's ``end`` (``guaranteed`` or ``possible``) as a row."""

    @comparison_row
    def row(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
        if not _has_monitors(options):
            return None
        model = _layer(epsilon, options, "any")
        interval = model.budget_interval(threshold)
        return ComparisonRow(f"{_layer_name(model)}, any dependence: {end}", getattr(interval, end).n, "bound",
                             assumption, assumption_tex=assumption_tex)


_oversight_any_row("guaranteed", "only the monitors' miss rates are known: the largest consistent M (Frechet/LP)",
                   "only the monitors' miss rates are known: the largest consistent $M$ (Fréchet/LP)")
_oversight_any_row("possible", "no dependence of the monitors with these miss rates gives a larger budget",
                   "no dependence of the monitors with these miss rates gives a larger budget")


# -- control: alignment lost at rate eps, then a control game with an audit budget ------------------------------

_GAME_KEYS = ("attack_success", "auditor_accuracy", "audit_budget", "roc")


def _game(epsilon: Fraction, options: dict[str, Any]) -> Any:
    from bounds.oversight import ControlGame

    for key in _GAME_KEYS:
        if options.get(key) is None:
            given = ", ".join(k for k in _GAME_KEYS if options.get(k) is not None)
            raise ParameterError(key, f"given with {given} (the control rows need all of {', '.join(_GAME_KEYS)})",
                                 None)

    return ControlGame(
        options.get("attack_success"), options.get("auditor_accuracy"), options.get("audit_budget"),
        roc=options.get("roc"), attack_rate=options.get("attack_rate"), epsilon=epsilon,
    )


def _has_game(options: dict[str, Any]) -> bool:
    # either key asks for the game; ControlGame names whatever else is missing
    return options.get("audit_budget") is not None or options.get("roc") is not None


@comparison_row
def _control(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    if not _has_game(options):
        return None
    game = _game(epsilon, options)
    return ComparisonRow(
        f"control game, audit budget f={format_number(game.audit_budget)}, "
        f"attack rate p={format_number(game.attack_rate)}",
        game.budget(threshold).n, "model",
        "misaligned at rate eps, then each attack is caught (safe stop) or succeeds (unsafe): "
        f"S(inf) = c/(c+l) = {format_number(game.limit(), 6)}",
        label_tex=f"control game, audit budget $f = {latex_number(game.audit_budget)}$, "
        f"attack rate $p = {latex_number(game.attack_rate)}$",
        assumption_tex="misaligned at rate $\\varepsilon$, then each attack is caught (safe stop) or succeeds "
        f"(unsafe): $S(\\infty) = c/(c+\\ell) = {latex_number(game.limit(), 6)}$",
    )


@comparison_row
def _control_worst(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    rate = options.get("attack_rate")
    if not _has_game(options) or rate is None or exact(rate, "attack_rate") == 1:
        return None  # without an attack rate the game row is already the worst case p = 1
    game = _game(epsilon, options).worst_case()
    return ComparisonRow(
        "control game, worst-case attack rate p=1", game.budget(threshold).n, "bound",
        "attacking every generation minimises S(N) for every N: no attack rate gives a smaller budget",
        label_tex="control game, worst-case attack rate $p = 1$",
        assumption_tex="attacking every generation minimises $S(N)$ for every $N$: no attack rate gives a "
        "smaller budget",
    )
