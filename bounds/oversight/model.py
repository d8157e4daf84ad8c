r"""``Oversight``: a per-generation defect rate filtered by a layer of monitors that share blind spots.

Each generation introduces a defect with probability ``d`` (or ``epsilon_i`` of a
base schedule); ``n`` monitors vote and the defect passes when fewer than
``k`` flag it. The per-generation failure probability is ``epsilon = d * M``,
``M = P(layer misses)``, computed exactly under the chosen dependence model
(:mod:`bounds.oversight.layer`); under ``any`` only an interval on ``M`` is
known (:mod:`bounds.oversight.sharp`) and the budget is an interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

import bounds.oversight.layer as layer
from bounds.display import Displayed
from bounds.errors import BoundsError, ParameterError
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.parameters import alternative, parameter, spec_arguments
from bounds.models.registry import Spec, model_from_spec, register
from bounds.numeric.domains import COUNT, PROBABILITY, Domain, choices, whole
from bounds.numeric.parse import format_number, probability
from bounds.oversight.sharp import MissInterval, any_miss

__all__ = ["DEPENDENCE", "Oversight", "OversightBudget"]

DEPENDENCE = ("independent", "beta-factor", "mgl", "alpha-factor", "exchangeable", "any")
#: Generations summed term by term when wrapping a base schedule (ball path).
MAX_WRAPPED_TERMS = 10_000
_EXACT_BITS = 200_000
#: k of n: at most the number of monitors, checked once that number is known (``__post_init__``).
VOTE = whole(1, phrase="a whole number >= 1 (monitors that must flag)")


def _probabilities(value: Any, name: str, empty: bool = False) -> tuple[Fraction, ...]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if not items and not empty:
        raise ParameterError(name, "at least one probability", value)
    return tuple(probability(item, f"{name}[{index}]" if len(items) > 1 else name) for index, item in enumerate(items))


def _defect_rate(value: Any, name: str) -> Any:
    if not hasattr(value, "rate"):
        return probability(value, name)
    from bounds.numeric.contexts import FLOAT

    try:
        np.asarray(value.rate(FLOAT, np.asarray([1.0])), dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(name, _A_MODEL, type(value).__name__) from None
    return value


_A_MODEL = "a probability or a model with rate(ctx, i) (the kernel protocol)"
#: A probability, or a model with ``rate(ctx, i)`` whose rates are the defect rates.
DEFECT_RATE = Domain("number", "in [0, 1]", _defect_rate, Fraction(0), Fraction(1))
#: The base model of a spec file's ``[base]`` table.
BASE = Domain("model", "a model table with rate(ctx, i)", _defect_rate)
#: One probability or a non-empty list of them.
MISS = Domain("vector", "a probability or a non-empty list of probabilities", _probabilities)
#: A list of probabilities, possibly empty (the MGL factors of one monitor are none).
GREEK = Domain("vector", "a list of probabilities", lambda value, name: _probabilities(value, name, empty=True))


@dataclass(frozen=True)
class OversightBudget(Displayed):
    """Budgets under every dependence consistent with the monitors' miss rates (``dependence='any'``).

    ``guaranteed`` is the certified budget at the largest consistent ``M`` (it holds
    whatever the dependence), ``possible`` at the smallest (no consistent
    dependence allows more). Each is a certified :class:`~bounds.solve.budget.Budget`.
    """

    guaranteed: Any
    possible: Any
    layer_miss: MissInterval

    @property
    def n(self) -> int | None:
        """The guaranteed budget (``None`` when unbounded)."""
        return self.guaranteed.n

    def to_dict(self) -> dict[str, Any]:
        return {
            "budget_guaranteed": self.guaranteed.n,
            "budget_possible": self.possible.n,
            "unbounded_guaranteed": self.guaranteed.unbounded,
            "unbounded_possible": self.possible.unbounded,
            "certified": True,
            "sharp": self.layer_miss.sharp,
        }

    def __str__(self) -> str:
        def show(value: int | None) -> str:
            return "unbounded" if value is None else str(value)

        return f"{show(self.guaranteed.n)} <= N* <= {show(self.possible.n)} (any dependence of the monitors)"


@register("oversight")
@dataclass(frozen=True, repr=False)
class Oversight(SurvivalModel):
    r"""Defects at rate ``defect_rate`` pass a layer of ``n`` monitors when fewer than ``vote`` flag them.

    Parameters
    ----------
    defect_rate : number or schedule-like model
        ``d``: probability that a generation introduces a defect; or a base model
        with ``rate(ctx, i)`` (then :math:`\varepsilon_i' = \varepsilon_i M`).
    miss : number or sequence of numbers
        The monitors' miss probabilities ``q_j`` (one value for ``monitors`` equal ones).
    vote : int
        ``k``: a defect is stopped when at least ``k`` monitors flag it (1 = any monitor suffices).
    dependence : str
        ``independent``, ``beta-factor`` (``beta``), ``mgl`` (``greek`` = β, γ, δ, ...),
        ``alpha-factor`` (``alpha`` = α₁..α_n), ``exchangeable`` (``rho``) or ``any``.
    monitors : int, optional
        ``n`` when ``miss`` is a single value (default 1, or ``len(miss)``).

    Notes
    -----
    .. math:: \varepsilon = d\, M, \qquad M = P(\#\text{flags} < k), \qquad
              S(N) = (1 - d M)^N, \qquad n_\text{eff} = \frac{n}{1 + (n-1)\rho}.

    Under ``any``, :math:`M \in [M_-, M_+]`: ``log_survival`` and :meth:`budget` use
    :math:`M_+` (the reading that holds for every dependence) and :meth:`budget_interval`
    gives the :class:`OversightBudget` ``[guaranteed, possible]``.

    References
    ----------
    IEC 61508-6:2010 Annex D; A. Mosleh et al., NUREG/CR-5485 (1998); D. E. Eckhardt
    and L. D. Lee, IEEE Trans. Software Eng. 11(12), 1985; L. Kish, *Survey Sampling*, 1965.

    Examples
    --------
    >>> layer = Oversight("0.01", "0.1", monitors=3)
    >>> layer.layer_miss, layer.epsilon
    (Fraction(1, 1000), Fraction(1, 100000))
    >>> layer.budget("0.9").n
    10535
    >>> Oversight("0.01", "0.1", monitors=3, dependence="exchangeable", rho="0.5").layer_miss
    Fraction(77, 2000)
    >>> Oversight("0.01", "0.1", monitors=3, dependence="exchangeable", rho="0.5").effective_monitors
    Fraction(3, 2)
    >>> str(Oversight("0.01", "0.1", monitors=3, dependence="any").budget_interval("0.9"))
    '105 <= N* <= unbounded (any dependence of the monitors)'
    """

    defect_rate: Any = parameter(DEFECT_RATE, "d: probability that a generation introduces a defect (or a model)",
                                 instead_of=("base",))
    alternatives = (alternative("base", BASE, "a model whose rates epsilon_i are the defect rates", argument=False,
                                instead_of=("defect_rate",)),)
    miss: Any = parameter(MISS, "the monitors' miss probabilities q_j (one value for monitors equal ones)")
    vote: int = parameter(VOTE, "k: a defect is stopped when at least k monitors flag it", default=1)
    dependence: str = parameter(choices(*DEPENDENCE, phrase="one of " + ", ".join(DEPENDENCE)),
                                "how the monitors' misses depend on each other", default="independent")
    monitors: Any = parameter(COUNT, "n when miss is a single value (default 1, or len(miss))", default=None)
    beta: Any = parameter(PROBABILITY, "the beta factor (dependence beta-factor)", default=None, omit_none=True)
    greek: Any = parameter(GREEK, "beta, gamma, ... (dependence mgl)", default=None, omit_none=True)
    alpha: Any = parameter(MISS, "alpha_1 .. alpha_n (dependence alpha-factor)", default=None, omit_none=True)
    rho: Any = parameter(PROBABILITY, "the misses' correlation (dependence exchangeable)", default=None,
                         omit_none=True)

    name = "oversight"

    def __post_init__(self) -> None:
        super().__post_init__()
        miss = self.miss
        if self.monitors is not None:
            count = self.monitors
            if len(miss) == 1:
                miss = miss * count
            elif len(miss) != count:
                raise ParameterError("miss", f"one value or {count} values (one per monitor)", list(self.miss))
        object.__setattr__(self, "monitors", len(miss))
        object.__setattr__(self, "miss", miss)
        if self.vote > len(miss):
            raise ParameterError("vote", f"a whole number in [1, {len(miss)}] (monitors that must flag)", self.vote)
        needs = {"beta-factor": "beta", "mgl": "greek", "alpha-factor": "alpha", "exchangeable": "rho"}
        for key in ("beta", "greek", "alpha", "rho"):
            given = getattr(self, key) is not None
            if given != (needs.get(self.dependence) == key):
                wanted = "given" if not given else f"omitted (it belongs to dependence {_owner(key)!r})"
                raise ParameterError(key, f"{wanted} for dependence {self.dependence!r}", getattr(self, key))
        if self.dependence in needs and len(set(miss)) > 1:
            raise ParameterError("miss", f"one value (identical monitors) for dependence {self.dependence!r}",
                                 [str(q) for q in miss])
        _ = self.miss_range  # validate the dependence parameters now (lengths, sums)

    @classmethod
    def from_spec(cls, spec: Spec) -> Oversight:
        """The declared parameters, with a ``[base]`` model table instead of ``defect_rate``."""
        if not spec.has("base"):
            return cls(**spec_arguments(cls, spec))
        return cls(model_from_spec(spec.sub("base")), **spec_arguments(cls, spec, skip=("defect_rate",)))

    # -- the layer ---------------------------------------------------------------------
    @cached_property
    def miss_range(self) -> MissInterval:
        """``[M_-, M_+]``; a single point (``sharp``) for every model but ``any``."""
        q, n, k = self.miss, self.monitors, self.vote
        value: Fraction
        if self.dependence == "any":
            return any_miss(q, k)
        if self.dependence == "independent":
            value = layer.independent_miss(q, k)
        elif self.dependence == "beta-factor":
            value = layer.beta_factor_miss(q[0], n, k, self.beta)
        elif self.dependence == "mgl":
            value = layer.mgl_miss(q[0], n, k, self.greek)
        elif self.dependence == "alpha-factor":
            value = layer.alpha_factor_miss(q[0], n, k, self.alpha)
        else:
            value = layer.exchangeable_miss(q[0], n, k, self.rho)
        return MissInterval(value, value, True, self.dependence)

    @property
    def layer_miss(self) -> Fraction | tuple[Fraction, Fraction]:
        """``M`` exactly, or ``(M_-, M_+)`` under ``any``."""
        interval = self.miss_range
        return interval.high if self.dependence != "any" else (interval.low, interval.high)

    @property
    def effective_monitors(self) -> Fraction | None:
        """Kish's ``n / (1 + (n - 1) rho)`` where a correlation ``rho`` is given, else ``None``."""
        if self.rho is None:
            return None
        return Fraction(self.monitors) / (1 + (self.monitors - 1) * self.rho)

    @property
    def wrapped(self) -> bool:
        """Whether the defect rate comes from a base model (``rate(ctx, i)``)."""
        return not isinstance(self.defect_rate, Fraction)

    @property
    def epsilon(self) -> Fraction | tuple[Fraction, Fraction]:
        """``d * M`` (constant defect rate), or ``(d M_-, d M_+)`` under ``any``."""
        if self.wrapped:
            raise BoundsError("oversight: epsilon varies by generation when wrapping a base model; use rate(ctx, i)")
        interval = self.miss_range
        if self.dependence == "any":
            return (self.defect_rate * interval.low, self.defect_rate * interval.high)
        return self.defect_rate * interval.high

    def parameters(self) -> dict[str, Any]:
        given = {"beta": self.beta, "greek": self.greek, "alpha": self.alpha, "rho": self.rho}
        defect = {"base": self.defect_rate.name} if self.wrapped else {"defect_rate": self.defect_rate}
        return {
            **defect, "miss": list(self.miss), "monitors": self.monitors, "vote": self.vote,
            "dependence": self.dependence,
            **{key: (list(value) if isinstance(value, tuple) else value) for key, value in given.items()
               if value is not None},
        }

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={_show(value)}" for key, value in self.parameters().items())
        return f"Oversight({shown})"

    # -- the protocol --------------------------------------------------------------------
    def _rate_exact(self) -> Fraction:
        return self.defect_rate * self.miss_range.high

    def rate(self, ctx: Any, i: Any) -> Any:
        r""":math:`\varepsilon_i' = d_i M` (``M = M_+`` under ``any``)."""
        miss = ctx.number(self.miss_range.high)
        if self.wrapped:
            return self.defect_rate.rate(ctx, i) * miss
        if ctx.kind == "float":
            return np.full(np.shape(i), float(self._rate_exact()))
        return ctx.number(self._rate_exact())

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        if self.wrapped:
            return self._wrapped_log_survival(ctx, n)
        rate = self._rate_exact()
        if ctx.kind == "float":
            step = -np.inf if rate == 1 else float(np.log1p(-float(rate)))
            with np.errstate(invalid="ignore"):
                return np.where(n == 0, 0.0, n * step)
        if n == 0:
            return ctx.zero
        return n * ctx.log1p(-ctx.number(rate))

    def _wrapped_log_survival(self, ctx: Any, n: Any) -> Any:
        if ctx.kind == "float":
            top = int(np.max(n)) if np.size(n) else 0
            if top > 2**24:
                raise BoundsError(f"oversight: a wrapped base is summed term by term, at most {2**24} generations")
            index = np.arange(1, top + 1, dtype=np.float64)
            with np.errstate(divide="ignore"):
                sums = np.concatenate([[0.0], np.cumsum(np.log1p(-self.rate(ctx, index)))])
            return sums[np.asarray(n, dtype=np.int64)]
        if n > MAX_WRAPPED_TERMS:
            raise BoundsError(
                f"oversight: a wrapped base is summed term by term in balls, at most {MAX_WRAPPED_TERMS} generations"
            )
        return ctx.sum(ctx.log1p(-self.rate(ctx, i)) for i in range(1, n + 1))

    def survival_mp(self, n: int, dps: int) -> Any:
        """``S(n)`` as an mpmath number to about ``dps`` digits: the midpoint of the certifying ball (display)."""
        from bounds.numeric.certify import ball_to_mpf, exp_ball
        from bounds.numeric.contexts import BallContext

        prec = int(dps * 3.33) + 40
        with BallContext(prec) as ctx:
            return ball_to_mpf(exp_ball(self.log_survival(ctx, int(n)), prec), prec)

    def survival_exact(self, n: int) -> Fraction | None:
        if self.wrapped:
            exact = getattr(self.defect_rate, "rate_exact", None)
            if exact is None or n > 2000:
                return None
            value = Fraction(1)
            for i in range(1, n + 1):
                rate = exact(i)
                if rate is None:
                    return None
                value *= 1 - rate * self.miss_range.high
            return value
        keep = 1 - self._rate_exact()
        if keep in (0, 1):
            return keep**n if n else Fraction(1)
        if n * keep.denominator.bit_length() > _EXACT_BITS:
            return None
        return keep**n

    @property
    def log_limit(self) -> Any:
        """``ln S(infinity)`` in a context (0 or ``-inf``); ``None`` when wrapping a base (budgets stay finite)."""
        if self.wrapped:
            return None
        return lambda ctx: ctx.zero if self._rate_exact() == 0 else -ctx.inf

    @property
    def limit_exact(self) -> Any:
        """``S(infinity)`` exactly (1 when ``d M = 0``, else 0); ``None`` when wrapping a base."""
        if self.wrapped:
            return None
        return lambda: Fraction(int(self._rate_exact() == 0))

    def limit(self) -> float:
        """``S(infinity)`` (0 or 1); for a wrapped base at least the base's limit (rates only shrink)."""
        if self.wrapped:
            raise BoundsError("oversight: S(infinity) of a wrapped base is not computed (only finite budgets)")
        return float(self._rate_exact() == 0)

    def candidate(self, threshold: Fraction) -> int | None:
        if self.wrapped:
            return None
        rate = self._rate_exact()
        if rate in (0, 1):
            return 0
        # a guess (certified by the solver), in arb so that rates below the float range still give one
        from bounds.numeric.contexts import BallContext

        with BallContext(64 + rate.denominator.bit_length() + threshold.denominator.bit_length()) as ctx:
            ratio = ctx.log(ctx.number(threshold)) / ctx.log1p(-ctx.number(rate))
            floor = ratio.mid().floor().unique_fmpz() if ratio.is_finite() else None
            return None if floor is None else int(floor)

    def budget_interval(self, threshold: Any) -> OversightBudget:
        """Certified budgets at both ends of ``[M_-, M_+]`` (a point for every model but ``any``).

        ``guaranteed`` holds under every dependence consistent with the miss rates; no consistent
        dependence allows more than ``possible``. (:meth:`budget` is the guaranteed end, a plain
        :class:`~bounds.solve.budget.Budget` like every model's.)
        """
        interval = self.miss_range
        if self.wrapped:
            raise BoundsError("oversight: a budget interval needs a constant defect_rate")
        ends = [Oversight(self.defect_rate, [value], 1, "independent") for value in (interval.high, interval.low)]
        return OversightBudget(ends[0].budget(threshold), ends[1].budget(threshold), interval)

    def symbolic(self) -> SurvivalExpr:
        import sympy

        n, d, m = sympy.symbols("N d M", nonnegative=True)
        values: dict[Any, Any] = {m: sympy.Rational(str(self.miss_range.high))}
        if not self.wrapped:
            values[d] = sympy.Rational(str(self.defect_rate))
        return SurvivalExpr(
            (1 - d * m) ** n, n, values,
            (f"a generation introduces a defect with probability d; {self.monitors} monitor(s) vote and the "
             f"defect passes when fewer than {self.vote} flag it",
             f"M = P(layer misses) under dependence {self.dependence!r}"
             + (" (upper end of the sharp interval)" if self.dependence == "any" else "")),
        )


def _owner(key: str) -> str:
    return {"beta": "beta-factor", "greek": "mgl", "alpha": "alpha-factor", "rho": "exchangeable"}[key]


def _show(value: Any) -> str:
    if isinstance(value, Fraction):
        return format_number(value, 12)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return repr(value)
