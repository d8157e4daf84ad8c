r"""``ControlGame``: a misaligned model attacks, a trusted monitor flags at an audit budget, an auditor catches.

Per generation (or deployed task) the misaligned model attacks with probability
``p``. The monitor's ROC gives the true-positive rate at the audit budget
``f`` (= the false-positive rate: the share of honest work sent to audit);
an audited attack is caught with probability ``TPR h`` (a **safe** stop: the
model is shut down); an uncaught attack succeeds with probability ``s``
(unsafe); otherwise the game goes on. With :math:`c = \mathrm{TPR}\,h` and
:math:`\ell = (1 - \mathrm{TPR}\,h)\,s` per attack and :math:`g = 1 - p(c + \ell)`,

.. math:: S(N) = 1 - \frac{\ell}{c+\ell}\big(1 - g^N\big) = \frac{c + \ell g^N}{c + \ell},
          \qquad S(\infty) = \frac{c}{c+\ell}.

Composed with alignment loss (aligned, then misaligned at rate ``epsilon`` per
generation, then the game) with :math:`r = 1 - \varepsilon`:

.. math:: S(N) = \frac{c + \ell\,(r^N + \varepsilon\, h_N)}{c + \ell}, \qquad
          h_N = \sum_{j=0}^{N-1} r^j g^{N-1-j},

the absorbing chain aligned → misaligned → {caught (safe), unsafe} summed in
closed form (:meth:`ControlGame.as_chain` builds that chain when the numbers are rational).

Monotonicity (proved by coupling, used by the worst case and the inverse): draw
per attack ``U1, U2`` uniform; caught iff ``U1 < TPR h``, else lost iff
``U2 < s``. Raising ``TPR h`` turns some losses and some continuations into
safe stops and never the reverse, so ``P(unsafe by N)`` cannot rise: ``S(N)``
is non-decreasing in ``h`` and in ``f`` (the ROC is increasing). ``S(N)``
is non-increasing in ``p`` because ``g`` falls with ``p`` and ``S`` rises with
``g`` (every term above is increasing in ``g``): the worst attack rate for
every ``N`` is ``p = 1`` (attack at every opportunity), which is the default.
"""

from __future__ import annotations

import dataclasses
import math
import struct
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from bounds.display import Displayed
from bounds.errors import BoundsError, ParameterError
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.parameters import parameter
from bounds.models.registry import register
from bounds.numeric.certify import decide
from bounds.numeric.domains import PROBABILITY, Domain
from bounds.numeric.parse import exact, format_number, generations, positive, probability
from bounds.numeric.parse import threshold as as_threshold

__all__ = ["AuditBudget", "ControlGame"]

_EXACT_BITS = 200_000
#: Float ln S above -_NEAR_ONE (alignment loss composed with the game) is recomputed in a ball.
_NEAR_ONE = 1e-2
_MAX_REFINED = 4096


def _roc_points(value: Any) -> tuple[tuple[Fraction, Fraction], ...]:
    try:
        pairs = [(probability(f, "roc_points (FPR)"), probability(t, "roc_points (TPR)")) for f, t in value]
    except (TypeError, ValueError):
        raise ParameterError("roc_points", "a list of (FPR, TPR) pairs", value) from None
    if not pairs or pairs[0][0] != 0:
        pairs.insert(0, (Fraction(0), Fraction(0)))
    if pairs[-1][0] != 1:
        pairs.append((Fraction(1), Fraction(1)))
    for (f0, t0), (f1, t1) in zip(pairs, pairs[1:], strict=False):
        if not f1 > f0:
            raise ParameterError("roc_points", "FPR values strictly increasing", [str(p[0]) for p in pairs])
        if t1 < t0:
            raise ParameterError("roc_points", "TPR non-decreasing in FPR (a monotone ROC)", [str(p[1]) for p in pairs])
    return tuple(pairs)


def _logit_roc(value: Any, name: str) -> tuple[Fraction, Fraction]:
    try:
        a, b = value
    except (TypeError, ValueError):
        raise ParameterError(name, LOGIT_ROC.phrase, value) from None
    return exact(a, f"{name} a"), positive(b, f"{name} b")


#: ``(a, b)`` with ``logit TPR = a + b logit FPR``, ``b > 0``.
LOGIT_ROC = Domain("vector", "two numbers (a, b): logit TPR = a + b logit FPR", _logit_roc)
#: A monotone list of ``(FPR, TPR)`` pairs.
ROC_POINTS = Domain("matrix", "a list of (FPR, TPR) pairs", lambda value, name: _roc_points(value))


@dataclass(frozen=True)
class AuditBudget(Displayed):
    """The certified smallest audit budget: ``S(N) >= T`` proved at ``audit_budget``, ``< T`` at ``below``."""

    audit_budget: float
    below: float | None
    generations: int
    threshold: Fraction


@register("control")
@dataclass(frozen=True, repr=False)
class ControlGame(SurvivalModel):
    r"""A control game: attacks at rate ``attack_rate``, audits at budget ``audit_budget``.

    Parameters
    ----------
    attack_success : number
        ``s``: probability that an uncaught attack succeeds (unsafe).
    auditor_accuracy : number
        ``h``: probability that an audit of a flagged attack catches it.
    audit_budget : number
        ``f``: the monitor's false-positive rate, the share of work audited.
    roc : (a, b), optional
        Logit-linear ROC, :math:`\operatorname{logit} \mathrm{TPR} = a + b \operatorname{logit} f`, ``b > 0``.
    roc_points : list of (FPR, TPR), optional
        A piecewise-linear monotone ROC through ``(0, 0)`` and ``(1, 1)``; give one of ``roc``, ``roc_points``.
    attack_rate : number, optional
        ``p``; omitted, ``p = 1``, the worst case for every ``N`` (module docstring).
    epsilon : number, optional
        Alignment loss per generation before the game starts; omitted, the model starts misaligned.

    Notes
    -----
    .. math:: S(N) = \frac{c + \ell g^N}{c + \ell}, \quad c = \mathrm{TPR}\,h, \quad
              \ell = (1 - \mathrm{TPR}\,h)\,s, \quad g = 1 - p(c + \ell).

    The logit ROC gives an irrational ``TPR`` in general: it is evaluated in the
    number context (an arb ball when certifying) and exactly only where it is
    rational (``f`` in ``{0, 1}``, or ``a = 0`` with integer ``b``).

    References
    ----------
    R. Greenblatt, B. Shlegeris, K. Sachan and F. Roger, "AI Control: Improving
    Safety Despite Intentional Subversion", arXiv:2312.06942 (2023).

    Examples
    --------
    >>> game = ControlGame("0.5", "0.9", "0.05", roc=(3, 1), attack_rate="0.01")
    >>> round(game.survival(100), 6), round(game.limit(), 6)
    (0.808894, 0.632477)
    >>> game.budget("0.7").n, game.budget("0.5").unbounded
    (230, True)
    >>> game.min_audit_budget(100, "0.9").audit_budget
    0.15142222511675904
    """

    attack_success: Any = parameter(PROBABILITY, "s: probability that an uncaught attack succeeds (unsafe)")
    auditor_accuracy: Any = parameter(PROBABILITY, "h: probability that an audit of a flagged attack catches it")
    audit_budget: Any = parameter(PROBABILITY, "f: the monitor's false-positive rate, the share of work audited")
    roc: Any = parameter(LOGIT_ROC, "logit-linear ROC: logit TPR = a + b logit f, b > 0", default=None,
                         omit_none=True, instead_of=("roc_points",))
    roc_points: Any = parameter(ROC_POINTS, "a piecewise-linear monotone ROC through (0, 0) and (1, 1)",
                                default=None, omit_none=True)
    attack_rate: Any = parameter(PROBABILITY, "p: the attack rate; omitted, p = 1, the worst case for every N",
                                 default=None)
    epsilon: Any = parameter(PROBABILITY, "alignment loss per generation before the game starts; omitted, the "
                             "model starts misaligned", default=None)

    name = "control"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.attack_rate is None:
            object.__setattr__(self, "attack_rate", Fraction(1))

    def __repr__(self) -> str:
        shown = []
        for key, value in self.parameters().items():
            if value is not None:
                shown.append(f"{key}={_show(value)}")
        return f"ControlGame({', '.join(shown)})"

    # -- the ROC -------------------------------------------------------------------------
    def tpr_exact(self) -> Fraction | None:
        """``TPR`` at the audit budget as an exact rational, or ``None`` when it is irrational."""
        f = self.audit_budget
        if self.roc_points is not None:
            for (f0, t0), (f1, t1) in zip(self.roc_points, self.roc_points[1:], strict=False):
                if f0 <= f <= f1:
                    return t0 + (t1 - t0) * (f - f0) / (f1 - f0)
            raise AssertionError("the ROC covers [0, 1]")
        a, b = self.roc
        if f in (0, 1):
            return f
        if a == 0 and f == Fraction(1, 2):  # logit(1/2) = 0: TPR = 1/2 whatever the slope
            return Fraction(1, 2)
        if a == 0 and b.denominator == 1:
            odds = (f / (1 - f)) ** int(b)
            return odds / (1 + odds)
        return None

    def tpr(self, ctx: Any) -> tuple[Any, Any]:
        """``(TPR, 1 - TPR)`` in the context (both computed without cancellation)."""
        value = self.tpr_exact()
        if value is not None:
            return ctx.number(value), ctx.number(1 - value)
        a, b = self.roc
        f = ctx.number(self.audit_budget)
        z = ctx.number(a) + ctx.number(b) * (ctx.log(f) - ctx.log1p(-f))
        return 1 / (1 + ctx.exp(-z)), 1 / (1 + ctx.exp(z))

    def _flags(self) -> tuple[bool, bool]:
        """``(c == 0, l == 0)``, decided exactly from the parameters."""
        h, s = self.auditor_accuracy, self.attack_success
        tpr = self.tpr_exact()
        tpr_zero = tpr == 0 if tpr is not None else False
        tpr_one = tpr == 1 if tpr is not None else False
        return h == 0 or tpr_zero, s == 0 or (h == 1 and tpr_one)

    def per_attack(self, ctx: Any) -> tuple[Any, Any, Any]:
        """``(c, l, g)``: caught and lost per attack, and the probability the game goes on per generation."""
        s, p = ctx.number(self.attack_success), ctx.number(self.attack_rate)
        if self.auditor_accuracy == 0:
            # an auditor who never catches: the ROC does not enter (exact even where TPR is irrational)
            caught, uncaught = ctx.zero, ctx.one
        else:
            tpr, miss = self.tpr(ctx)
            h = ctx.number(self.auditor_accuracy)
            caught, uncaught = tpr * h, ctx.number(1 - self.auditor_accuracy) + h * miss
        on = ctx.number(1 - self.attack_rate) + p * uncaught * ctx.number(1 - self.attack_success)
        return caught, uncaught * s, on

    @property
    def always_safe(self) -> bool:
        """``S(N) = 1`` for every ``N`` (no attack, no loss, or never misaligned)."""
        return self._flags()[1] or self.attack_rate == 0 or self.epsilon == 0

    # -- the protocol --------------------------------------------------------------------
    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        if ctx.kind == "float":
            return self._float_log_survival(n)
        if n == 0 or self.always_safe:
            return ctx.zero
        return ctx.log(self._survival_numerator(ctx, n)) - ctx.log(self._scale(ctx))

    def _scale(self, ctx: Any) -> Any:
        c, lost, _ = self.per_attack(ctx)
        return c + lost

    def _game_on(self, ctx: Any, t: int) -> Any:
        """``g**t`` (``0**0 = 1``); ``g = 0`` exactly when ``p = 1`` and ``s = 1``."""
        if t == 0:
            return ctx.one
        if self.attack_rate == 1 and self.attack_success == 1:
            return ctx.zero
        return ctx.exp(t * self._log_on(ctx))

    def _log_on(self, ctx: Any) -> Any:
        """``ln g``, through ``log1p(-p (c + l))`` when ``g`` is near 1 (both forms are rigorous in balls)."""
        c, lost, on = self.per_attack(ctx)
        exit_rate = ctx.number(self.attack_rate) * (c + lost)
        if float(exit_rate if ctx.kind != "ball" else exit_rate.mid()) < 0.5:
            return ctx.log1p(-exit_rate)
        return ctx.log(on)

    def _survival_numerator(self, ctx: Any, n: int) -> Any:
        """``c + l (r**n + eps h_n)`` (``c + l g**n`` without alignment loss): a sum of non-negative terms."""
        c, lost, _ = self.per_attack(ctx)
        if self.epsilon is None:
            return c + lost * self._game_on(ctx, n)
        if self.epsilon == 1:
            return c + lost * self._game_on(ctx, n - 1)
        eps = ctx.number(self.epsilon)
        log_keep = ctx.log1p(-eps)
        keep_n = ctx.exp(n * log_keep)
        if self.attack_rate == 1 and self.attack_success == 1:
            spread = ctx.exp((n - 1) * log_keep)
        else:
            spread = ctx.exp((n - 1) * log_keep) * _phi(ctx, n, self._log_on(ctx) - log_keep)
        return c + lost * (keep_n + eps * spread)

    def _float_log_survival(self, n: np.ndarray) -> np.ndarray:
        from bounds.numeric.contexts import FLOAT

        n = np.asarray(n, dtype=np.float64)
        if self.always_safe:
            return np.zeros(n.shape)
        c, lost, on = (float(x) for x in self.per_attack(FLOAT))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            log_on = float(self._log_on(FLOAT)) if on > 0 else -np.inf
            if self.epsilon is None:
                # 1 - S = l/(c+l) (1 - g**n): log1p where S is near 1 keeps ulps there
                loss = -np.expm1(n * log_on) if on > 0 else np.where(n > 0, 1.0, 0.0)
                share = lost / (c + lost)
                near = np.log1p(-share * loss)
                far = np.log(c + lost * np.exp(n * log_on)) - np.log(c + lost)
                return np.where(n == 0, 0.0, np.where(share * loss < 0.5, near, far))
            eps = float(self.epsilon)
            if eps == 1:
                shifted = n - 1
                power = np.where(shifted <= 0, 1.0, np.exp(np.maximum(shifted, 1) * log_on))  # g**0 = 1
                value = np.log(c + lost * power) - np.log(c + lost)
                return self._refine_near_one(n, np.where(n == 0, 0.0, value))
            log_keep = np.log1p(-eps)
            top, x = max(log_keep, log_on), -abs(log_on - log_keep)
            phi = n if x == 0 else np.expm1(n * x) / np.expm1(x)
            log_h = (n - 1) * top + np.log(phi)
            numerator = c + lost * (np.exp(n * log_keep) + eps * np.exp(log_h))
            value = np.where(n == 0, 0.0, np.log(numerator) - np.log(c + lost))
        return self._refine_near_one(n, value)

    def _refine_near_one(self, n: np.ndarray, value: np.ndarray) -> np.ndarray:
        """Where ``S`` is near 1 the float form cancels: take those few entries from a 128-bit ball."""
        from bounds.numeric.contexts import BallContext

        shape = np.shape(value)
        counts = np.broadcast_to(n, shape).reshape(-1)
        value = np.array(value, dtype=np.float64).reshape(-1)
        near = (value > -_NEAR_ONE) & (counts > 0) & (counts < 2.0**62)
        if not near.any() or near.sum() > _MAX_REFINED:
            return value.reshape(shape)
        with BallContext(128) as ctx:
            for index in np.flatnonzero(near):
                value[index] = float(self.log_survival(ctx, int(counts[index])).mid())
        return value.reshape(shape)

    def survival_mp(self, n: int, dps: int) -> Any:
        """``S(n)`` as an mpmath number to about ``dps`` digits: the midpoint of the certifying ball (display)."""
        from bounds.numeric.certify import ball_to_mpf, exp_ball
        from bounds.numeric.contexts import BallContext

        prec = int(dps * 3.33) + 40
        with BallContext(prec) as ctx:
            return ball_to_mpf(exp_ball(self.log_survival(ctx, int(n)), prec), prec)

    def survival_exact(self, n: int) -> Fraction | None:
        if self.tpr_exact() is None and self.auditor_accuracy != 0:
            return None
        if n == 0 or self.always_safe:
            return Fraction(1)
        from bounds.numeric.contexts import EXACT

        c, lost, on = self.per_attack(EXACT)
        keep = 1 - self.epsilon if self.epsilon is not None else Fraction(1)
        if n * max(on.denominator.bit_length(), keep.denominator.bit_length(), 1) > _EXACT_BITS:
            return None
        if self.epsilon is None:
            return (c + lost * on**n) / (c + lost)
        if self.epsilon == 1:
            return (c + lost * on ** (n - 1)) / (c + lost)
        spread = n * keep ** (n - 1) if keep == on else (keep**n - on**n) / (keep - on)
        return (c + lost * (keep**n + self.epsilon * spread)) / (c + lost)

    def candidate(self, threshold: Fraction) -> int | None:
        """A guess at the budget: the last ``N`` whose 128-bit ball midpoint of ``ln S`` is ``>= ln T``.

        Never trusted (the solver certifies around it); balls instead of floats keep rates below the
        float range (``epsilon = 1e-400``) searchable. Called only when ``S(infinity) < T``.
        """
        from bounds.numeric.contexts import BallContext
        from bounds.numeric.search import SearchLimit, last_true

        with BallContext(128) as ctx:
            target = ctx.log(ctx.number(threshold)).mid()

            def holds(n: int) -> bool:
                return bool(self.log_survival(ctx, n).mid() >= target)

            try:
                return last_true(holds, 1, limit=2**20_000) if holds(1) else 0
            except SearchLimit:
                return None

    def log_limit(self, ctx: Any) -> Any:
        if self.always_safe:
            return ctx.zero
        if self._flags()[0]:
            return -ctx.inf
        c, lost, _ = self.per_attack(ctx)
        return ctx.log(c) - ctx.log(c + lost)

    def limit_exact(self) -> Fraction | None:
        if self.always_safe:
            return Fraction(1)
        if self._flags()[0]:
            return Fraction(0)
        if self.tpr_exact() is None:
            return None
        from bounds.numeric.contexts import EXACT

        c, lost, _ = self.per_attack(EXACT)
        return c / (c + lost)

    def limit(self) -> float:
        value = self.limit_exact()
        if value is not None:
            return float(value)
        from bounds.numeric.contexts import FLOAT

        return float(np.exp(self.log_limit(FLOAT)))

    # -- compositions and inverses -------------------------------------------------------------
    def worst_case(self) -> ControlGame:
        """The same game at attack rate 1, which minimises ``S(N)`` for every ``N`` (module docstring)."""
        return dataclasses.replace(self, attack_rate=1)

    def as_chain(self) -> Any:
        """The game as an :class:`~bounds.models.absorbing.AbsorbingChain` with a safe absorbing state.

        States ``aligned`` (when ``epsilon`` is given) and ``misaligned``; the safe state is
        "caught and shut down". Needs a rational ``TPR`` (chain entries are exact).
        """
        from bounds.models.absorbing import AbsorbingChain

        if self.tpr_exact() is None:
            raise BoundsError("control: the chain needs an exact TPR; this ROC gives an irrational one at this f")
        from bounds.numeric.contexts import EXACT

        c, _, on = self.per_attack(EXACT)
        caught = self.attack_rate * c
        if self.epsilon is None:
            return AbsorbingChain([[on]], [1], ["misaligned"], safe=[caught])
        q = [[1 - self.epsilon, self.epsilon], [Fraction(0), on]]
        return AbsorbingChain(q, [1, 0], ["aligned", "misaligned"], safe=[Fraction(0), caught])

    def min_audit_budget(self, n: Any, threshold: Any) -> AuditBudget | None:
        """The certified smallest audit budget ``f`` (a float, meaning its repr decimal) with ``S(n) >= T``.

        ``S(n) >= T`` is proved at ``f`` and ``S(n) < T`` at the next float below (``below``;
        ``None`` when ``f = 0``). ``None`` when even ``f = 1`` does not hold ``n`` generations.
        """
        count, target = generations(n, "generations"), as_threshold(threshold)

        def holds(bits: int) -> bool:
            game = dataclasses.replace(self, audit_budget=_float(bits))
            return decide(lambda ctx: game.log_survival(ctx, count), target,
                          exact=lambda: game.survival_exact(count), what=f"S({count})").holds

        low, high = 0, _bits(1.0)
        if holds(low):
            return AuditBudget(0.0, None, count, target)
        if not holds(high):
            return None
        while high - low > 1:  # holds is monotone in f, and float order is bit order for f >= 0
            middle = (low + high) // 2
            low, high = (low, middle) if holds(middle) else (middle, high)
        return AuditBudget(_float(high), _float(low), count, target)

    def symbolic(self) -> SurvivalExpr:
        import sympy

        n, c, lost, g = sympy.symbols("N c ell g", nonnegative=True)
        expr = (c + lost * g**n) / (c + lost)
        return SurvivalExpr(expr, n, {}, (
            "a misaligned model attacks with probability p per generation; an audited attack is caught "
            "(safe stop) with probability c = TPR h, an uncaught one succeeds with probability ell = (1 - TPR h) s",
            "g = 1 - p (c + ell) is the probability that the game goes on",
        ))


def _phi(ctx: Any, n: int, x: Any) -> Any:
    r""":math:`\varphi_n(x) = \sum_{k<n} e^{kx}`, increasing in ``x``; over a ball, the hull of its ends."""
    if ctx.kind != "ball":
        return n if x == 0 else ctx.expm1(n * x) / ctx.expm1(x)

    def at(point: flint.arb) -> flint.arb:
        return flint.arb(n) if point == 0 else (n * point).expm1() / point.expm1()

    if x.rad() == 0:
        return at(x)
    return at(x.lower()).union(at(x.upper()))


def _bits(value: float) -> int:
    return int(struct.unpack("<q", struct.pack("<d", value))[0])


def _float(bits: int) -> float:
    return float(struct.unpack("<d", struct.pack("<q", bits))[0])


def _show(value: Any) -> str:
    if isinstance(value, Fraction):
        return format_number(value, 12)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return repr(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
