"""Hypothesis strategies for the numbers :mod:`bounds` takes.

Values are exact decimals drawn on a logarithmic spread (``m * 10**-k``), which
reaches the regimes where float arithmetic fails (``epsilon = 1e-20``, ties such
as ``0.9**2 == 0.81``) far more often than uniform floats would.

Every declared parameter domain (:mod:`bounds.numeric.domains`) has a strategy:
:func:`from_domain` draws values inside it, :func:`outside_domain` values just
outside it (for tests of the error messages), and :func:`parameters_of` builds a
model of any family from its declared parameters, with per-field overrides.

Models come from a registry: :func:`models` draws from every strategy
registered with :func:`register_model_strategy`, and :func:`schedules` from
every one registered with :func:`register_schedule_strategy`. A model family
adds itself with one registration, next to the others at the end of this
module (the family's own module must not import hypothesis, which is an
optional dependency)::

    @register_model_strategy("beta-mixture")
    def _beta_mixtures() -> st.SearchStrategy[Any]:
        from bounds.models.exchangeable import BetaMixture

        return st.builds(BetaMixture, mean=epsilons(min_value=0, max_value=Fraction(1, 2)),
                         rho=probabilities(min_value=0, max_value=Fraction(1, 2)))

The key is the model's spec name (``bounds.models.registered()``); the test
suite checks that every registered model has a strategy.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from bounds.numeric.domains import COUNT, PROBABILITY
from bounds.testing._values import (
    epsilons,
    from_domain,
    generations,
    outside_domain,
    parameters_of,
    probabilities,
    thresholds,
)

__all__ = [
    "epsilons",
    "from_domain",
    "generations",
    "model_strategies",
    "models",
    "outside_domain",
    "parameters_of",
    "probabilities",
    "register_model_strategy",
    "register_schedule_strategy",
    "schedule_strategies",
    "schedules",
    "thresholds",
]

StrategyFactory = Callable[[], "st.SearchStrategy[Any]"]
_MODEL_STRATEGIES: dict[str, StrategyFactory] = {}
_SCHEDULE_STRATEGIES: dict[str, StrategyFactory] = {}


Registrar = Callable[[str], Callable[[StrategyFactory], StrategyFactory]]


def _registrar(table: dict[str, StrategyFactory], kind: str) -> Registrar:
    def register(name: str) -> Callable[[StrategyFactory], StrategyFactory]:
        def decorate(factory: StrategyFactory) -> StrategyFactory:
            if name in table:
                raise RuntimeError(f"{kind} strategy {name!r} registered twice")
            table[name] = factory
            return factory

        return decorate

    return register


#: ``@register_model_strategy("spec-name")`` on a function returning a strategy of valid models.
register_model_strategy = _registrar(_MODEL_STRATEGIES, "model")
#: ``@register_schedule_strategy("name")`` on a function returning a strategy of schedule-like models.
register_schedule_strategy = _registrar(_SCHEDULE_STRATEGIES, "schedule")


def model_strategies() -> list[str]:
    """Names of the model families :func:`models` draws from."""
    return sorted(_MODEL_STRATEGIES)


def schedule_strategies() -> list[str]:
    """Names of the schedule kinds :func:`schedules` draws from."""
    return sorted(_SCHEDULE_STRATEGIES)


def _pick(table: dict[str, StrategyFactory], names: tuple[str, ...], kind: str) -> st.SearchStrategy[Any]:
    chosen = names or tuple(sorted(table))
    unknown = [name for name in chosen if name not in table]
    if unknown:
        raise ValueError(f"no {kind} strategy registered for {', '.join(map(repr, unknown))}; "
                         f"registered: {', '.join(sorted(table))}")
    return st.one_of([table[name]() for name in chosen])


def models(*names: str) -> st.SearchStrategy[Any]:
    """Built-in models with valid parameters, from every registered family (or only ``names``).

    Examples
    --------
    >>> from hypothesis import given
    >>> from bounds.testing import check_model
    >>> @given(models("independent"))
    ... def test_is_survival_function(model):
    ...     check_model(model, max_generations=10**6)
    >>> test_is_survival_function()
    """
    return _pick(_MODEL_STRATEGIES, names, "model")


def schedules(*names: str) -> st.SearchStrategy[Any]:
    """Schedule-like models (they have ``rate(ctx, i)``), from every registered kind (or only ``names``)."""
    return _pick(_SCHEDULE_STRATEGIES, names, "schedule")


# -- registrations: one per model family --------------------------------------------------


@register_model_strategy("independent")
def _independent_models() -> st.SearchStrategy[Any]:
    from bounds.models.independent import Independent

    return parameters_of(Independent)


@register_schedule_strategy("independent")
def _constant_schedules() -> st.SearchStrategy[Any]:
    return _independent_models()


@register_model_strategy("geometric")
@register_schedule_strategy("geometric")
def _geometric_schedules() -> st.SearchStrategy[Any]:
    from bounds.models.schedule import Geometric

    # improving (r < 1, possibly an unbounded budget) and worsening (r > 1) safety
    ratios = st.one_of(
        probabilities(min_value=Fraction(1, 100), max_value=Fraction(999, 1000), max_exponent=3),
        st.sampled_from([Fraction(1), Fraction(101, 100), Fraction(3, 2), Fraction(2)]),
    )
    return parameters_of(Geometric, epsilon1=from_domain(PROBABILITY, min_value=Fraction(1, 10**6),
                                                         max_value=Fraction(1, 2)), ratio=ratios)


@register_model_strategy("power")
@register_schedule_strategy("power")
def _power_schedules() -> st.SearchStrategy[Any]:
    from bounds.models.schedule import Power

    # With s = 1, S(N) ~ N**(-eps1): a budget at T = 1e-12 is about 10**(12/eps1), past the
    # solver's 2**1000 reach unless eps1 >= 0.05; other exponents are drawn over a wide range.
    harmonic = parameters_of(Power, epsilon1=from_domain(PROBABILITY, min_value=Fraction(1, 20),
                                                         max_value=Fraction(1, 2)), exponent=st.just(Fraction(1)))
    others = parameters_of(
        Power,
        epsilon1=from_domain(PROBABILITY, min_value=Fraction(1, 10**3), max_value=Fraction(1, 2)),
        exponent=st.sampled_from([Fraction(1, 2), Fraction(3, 2), Fraction(2), Fraction(3)]),
    )
    return st.one_of(others, harmonic)


@register_model_strategy("two-rate")
@register_schedule_strategy("two-rate")
def _two_rate_schedules() -> st.SearchStrategy[Any]:
    from bounds.models.schedule import TwoRate

    rates = from_domain(PROBABILITY, min_value=Fraction(1, 10**6), max_value=Fraction(1, 2))
    return parameters_of(TwoRate, epsilon_key=rates, epsilon_other=rates, key_every=from_domain(COUNT, max_value=20))


@register_model_strategy("rates")
@register_schedule_strategy("rates")
def _explicit_rates() -> st.SearchStrategy[Any]:
    from bounds.models.explicit import Rates

    rates = st.lists(from_domain(PROBABILITY, min_value=Fraction(1, 10**6), max_value=Fraction(1, 2)), min_size=1,
                     max_size=12)
    return parameters_of(Rates, rates=rates)  # tail: either choice of its domain


@register_model_strategy("expression")
@register_schedule_strategy("expression")
def _expressions() -> st.SearchStrategy[Any]:
    from bounds.models.explicit import Expression

    # a decaying transient plus a floor, with drawn constants; the floor keeps budgets to a
    # few thousand generations because the expression model certifies generation by generation
    templates = st.builds(
        lambda start, decay, floor: f"{start} * {decay}**(i - 1) + {floor}",
        st.sampled_from(["1e-1", "1e-2", "1e-3"]),
        st.sampled_from(["0.5", "0.9", "0.99"]),
        st.sampled_from(["1e-2", "2e-2", "5e-2"]),
    )
    return parameters_of(Expression, expr=templates, horizon=st.just(3000))


@register_model_strategy("logistic")
@register_schedule_strategy("logistic")
def _logistic_schedules() -> st.SearchStrategy[Any]:
    from bounds.models.logistic import Logistic

    # rising (k > 0) and maturing (k < 0) schedules, drawn inside the domain (no filtering):
    # |k| in [0.01, 2] keeps the transition to a few hundred generations; epsilon_max in [1e-6, 0.1) or a
    # large value (1/2, 9/10: rates that saturate near failure; epsilon_max = 1 is pinned in the tests,
    # since a reference product of 1 - eps_i there cancels in any fixed precision)
    steepness = st.builds(lambda m, sign: sign * Fraction(m, 100), st.integers(1, 200), st.sampled_from([1, -1]))
    small = st.builds(lambda m, e: Fraction(m, 10**e), st.integers(1, 999), st.integers(4, 6))
    epsilon_max = st.one_of(small, st.sampled_from([Fraction(1, 2), Fraction(9, 10)]))
    return parameters_of(Logistic, epsilon_max=epsilon_max, steepness=steepness,
                         midpoint=st.integers(-50, 500).map(Fraction))


def _distributions(size: int, *, leftover: bool = False) -> st.SearchStrategy[list[Fraction]]:
    """Exact probability vectors of ``size`` entries summing to 1 (or to at most 1 with ``leftover``)."""
    slots = size + 1 if leftover else size
    # one weight, at a drawn position, is at least 1: the total is never 0 (generated, not filtered)
    others = st.lists(st.integers(0, 1000), min_size=slots - 1, max_size=slots - 1)
    weights = st.tuples(st.integers(0, slots - 1), st.integers(1, 1000), others)
    return weights.map(lambda drawn: _normalised([*drawn[2][: drawn[0]], drawn[1], *drawn[2][drawn[0]:]], size))


def _normalised(weights: list[int], size: int) -> list[Fraction]:
    total = sum(weights)
    return [Fraction(weight, total) for weight in weights[:size]]


@register_model_strategy("beta-mixture")
def _beta_mixtures() -> st.SearchStrategy[Any]:
    from bounds.models.exchangeable import BetaMixture

    # S(N) ~ N**-a: a = mean (1 - rho)/rho >= 0.045 keeps every budget down to T = 1e-12 below
    # 2**1000, the solver's reach. mean is drawn in [1e-4, 0.499], then rho inside
    # (0, min(0.1, mean/(mean + 1/20))], each inside its range (nothing filtered).
    @st.composite
    def mixtures(draw: st.DrawFn) -> Any:
        mean = draw(_scaled_decimals(499, 3, 4))
        largest = min(Fraction(1, 10), mean / (mean + Fraction(1, 20)))
        return BetaMixture(mean=mean, rho=largest * Fraction(draw(st.integers(1, 1000)), 1000))

    return mixtures()


def _scaled_decimals(largest: int, fewest: int, most: int) -> st.SearchStrategy[Fraction]:
    """``m / 10**k`` with ``1 <= m <= largest`` and ``fewest <= k <= most``, generated directly."""
    return st.builds(lambda m, k: Fraction(m, 10**k), st.integers(1, largest), st.integers(fewest, most))


@register_model_strategy("finite-mixture")
def _finite_mixtures() -> st.SearchStrategy[Any]:
    from bounds.models.mixture import FiniteMixture

    @st.composite
    def mixtures(draw: st.DrawFn) -> Any:
        size = draw(st.integers(1, 4))
        rates = draw(st.lists(epsilons(max_exponent=8), min_size=size, max_size=size))
        return FiniteMixture(draw(_distributions(size)), rates)

    return mixtures()


@register_model_strategy("markov")
def _markov_models() -> st.SearchStrategy[Any]:
    from bounds.models.markov import MarkovModulated

    @st.composite
    def chains(draw: st.DrawFn) -> Any:
        size = draw(st.integers(1, 3))
        transition = [draw(_distributions(size)) for _ in range(size)]
        failure = draw(st.lists(epsilons(max_exponent=8), min_size=size, max_size=size))
        return MarkovModulated(transition, failure, draw(_distributions(size)))

    return chains()


_MAX_STATES = 3


def _absorbing_rows(size: int, drawn: list[tuple[int, int, list[int]]]) -> list[list[Fraction]]:
    """The first ``size`` rows of a sub-stochastic ``Q`` from draws made for the largest size.

    Row ``i`` has ``size`` transient entries and the share absorbed. One entry, chosen among the
    later states and the absorbed share, is at least 1/1001 of the row: following those entries
    the index only grows until absorption, so no class of transient states is closed and
    ``I - Q`` is invertible by construction (no draw is rejected).
    """
    rows = []
    for state, (choice, weight, weights) in enumerate(drawn[:size]):
        row = [*weights[:size], weights[_MAX_STATES]]  # transient entries, then the absorbed share
        allowed = [*range(state + 1, size), size]
        row[allowed[choice % len(allowed)]] = weight
        rows.append(_normalised(row, size))
    return rows


def _initial(size: int, weights: list[int], first: int) -> list[Fraction]:
    """An initial distribution over ``size`` states; the entry ``first % size`` is positive."""
    chosen = list(weights[:size])
    chosen[first % size] = max(1, chosen[first % size])
    return _normalised(chosen, size)


@register_model_strategy("absorbing")
def _absorbing_chains() -> st.SearchStrategy[Any]:
    from bounds.models.absorbing import AbsorbingChain

    # every draw is made for the largest chain and then cut to size, so that the sequence of
    # choices has one shape whatever the size (hypothesis replays and shrinks it cleanly)
    row = st.tuples(st.integers(0, 11), st.integers(1, 1000),
                    st.lists(st.integers(0, 1000), min_size=_MAX_STATES + 1, max_size=_MAX_STATES + 1))
    initial = st.lists(st.integers(0, 1000), min_size=_MAX_STATES, max_size=_MAX_STATES)
    return st.builds(
        lambda size, rows, start, first: AbsorbingChain(_absorbing_rows(size, rows), _initial(size, start, first)),
        st.integers(1, _MAX_STATES),
        st.lists(row, min_size=_MAX_STATES, max_size=_MAX_STATES),
        initial,
        st.integers(0, _MAX_STATES - 1),
    )


@register_model_strategy("persistent-unsafe")
def _persistent_unsafe() -> st.SearchStrategy[Any]:
    from bounds.models.schedule import Geometric, TwoRate
    from bounds.models.unsafe import PersistentUnsafe

    # every parameter is generated inside its range (nothing filtered): rates in [1e-6, 0.499],
    # ratios in [0.01, 0.999] or rising, floors in [1e-6, 0.099]
    rates = _scaled_decimals(499, 3, 6)
    ratios = st.one_of(
        st.integers(10, 999).map(lambda m: Fraction(m, 1000)),
        st.sampled_from([Fraction(1), Fraction(101, 100), Fraction(3, 2), Fraction(2)]),
    )
    bases = st.one_of(
        _independent_models(),
        st.builds(Geometric, epsilon1=rates, ratio=ratios),
        st.builds(TwoRate, epsilon_key=rates, epsilon_other=rates, key_every=st.integers(1, 20)),
    )
    # mode from its domain; growth left constant (a growing floor is pinned in the tests)
    return parameters_of(PersistentUnsafe, base=bases, mass=_scaled_decimals(99, 2, 6), growth=None)


# ---------------------------------------------------------------------------------------------------------------------
# Oversight layers and control games (bounds/oversight/): generated inside their domains, no filtering.
@register_model_strategy("oversight")
def _oversight_layers() -> st.SearchStrategy[Any]:
    from bounds.oversight.model import Oversight

    @st.composite
    def layers(draw: st.DrawFn) -> Any:
        n = draw(st.integers(1, 4))
        vote = draw(st.integers(1, n))
        defect = draw(epsilons(max_exponent=8))
        dependence = draw(st.sampled_from(["independent", "beta-factor", "mgl", "alpha-factor", "exchangeable",
                                           "any"]))
        if dependence in ("independent", "any"):
            miss: Any = draw(st.lists(probabilities(max_exponent=6), min_size=n, max_size=n))
            return Oversight(defect, miss, vote, dependence)
        q = draw(probabilities(max_exponent=6))
        extra: dict[str, Any] = {}
        if dependence == "beta-factor":
            extra["beta"] = draw(probabilities(max_exponent=4))
        elif dependence == "mgl":
            extra["greek"] = draw(st.lists(probabilities(max_exponent=4), min_size=n - 1, max_size=n - 1))
        elif dependence == "alpha-factor":
            extra["alpha"] = draw(_distributions(n))
        else:
            extra["rho"] = draw(probabilities(max_exponent=4))
        return Oversight(defect, [q], vote, dependence, monitors=n, **extra)

    return layers()


@register_model_strategy("control")
def _control_games() -> st.SearchStrategy[Any]:
    from bounds.oversight.control import ControlGame

    logit = st.tuples(st.integers(-4, 4).map(Fraction), st.integers(1, 999).map(lambda m: Fraction(m, 100)))
    points = st.lists(st.tuples(probabilities(max_exponent=3), probabilities(max_exponent=3)), min_size=1,
                      max_size=3).map(_monotone_roc)

    @st.composite
    def games(draw: st.DrawFn) -> Any:
        s, h, f = (draw(from_domain(PROBABILITY, max_exponent=4)) for _ in range(3))
        rate = draw(st.one_of(st.none(), probabilities(max_exponent=4)))
        epsilon = draw(st.one_of(st.none(), epsilons(max_exponent=6)))
        if draw(st.booleans()):
            return ControlGame(s, h, f, roc=draw(logit), attack_rate=rate, epsilon=epsilon)
        return ControlGame(s, h, f, roc_points=draw(points), attack_rate=rate, epsilon=epsilon)

    return games()


def _monotone_roc(pairs: list[tuple[Fraction, Fraction]]) -> list[tuple[Fraction, Fraction]]:
    """Sorted, de-duplicated FPRs strictly inside (0, 1) with cumulative-maximum TPRs: a monotone ROC."""
    fprs = sorted({fpr for fpr, _ in pairs if 0 < fpr < 1}) or [Fraction(1, 2)]
    tprs = sorted(tpr for _, tpr in pairs)[: len(fprs)]
    tprs += [tprs[-1]] * (len(fprs) - len(tprs))
    return list(zip(fprs, tprs, strict=True))
