r"""The miss probability of a layer of monitors, exactly, under each dependence model.

A layer of ``n`` monitors votes on each defect; the defect *passes* (the layer
misses it) when fewer than ``k`` monitors flag it, that is when at least
``m = n - k + 1`` of them miss. Everything here is exact rational arithmetic
(:class:`fractions.Fraction`); the ``any`` interval comes with exact
certificates (see :mod:`bounds.oversight.sharp`).

The common-cause models follow NUREG/CR-5485 ("basic events"): every specific
group ``G`` of ``j`` monitors fails together, independently of the other
groups, with probability :math:`Q_j`; a monitor misses when some failed group
contains it. The layer misses when the union of the failed groups has at least
``m`` members. By symmetry, with :math:`F(b) = \prod_j (1 - Q_j)^{\binom nj - \binom bj}`
the probability that every failed group lies inside a given set of ``b``
monitors, the union is a given set ``A`` of ``a`` monitors with probability
:math:`\sum_{b \le a} (-1)^{a-b} \binom ab F(b)` (Möbius inversion).

>>> from fractions import Fraction
>>> tenth = Fraction(1, 10)
>>> independent_miss([tenth] * 3, 1)
Fraction(1, 1000)
>>> beta_factor_miss(tenth, 3, 1, Fraction(1, 2))
Fraction(8019, 160000)
>>> exchangeable_miss(tenth, 3, 1, Fraction(1, 2))
Fraction(77, 2000)
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import comb

from bounds.errors import ParameterError

__all__ = [
    "MAX_MONITORS",
    "alpha_factor_groups",
    "alpha_factor_miss",
    "beta_factor_miss",
    "exchangeable_miss",
    "group_marginal",
    "group_miss",
    "independent_miss",
    "mgl_groups",
    "mgl_miss",
]

#: Largest layer the common-cause formulas accept (exact powers grow like C(n, j) bits).
MAX_MONITORS = 24


def _needed(n: int, vote: int) -> int:
    """``m = n - k + 1``: the number of misses that lets a defect pass."""
    if not 1 <= vote <= n:
        raise ParameterError("vote", f"a whole number in [1, {n}] (monitors that must flag)", vote)
    return n - vote + 1


def independent_miss(miss: Sequence[Fraction], vote: int) -> Fraction:
    r"""``P(at least n - k + 1 of n independent monitors miss)``: the Poisson-binomial tail.

    Notes
    -----
    With :math:`P_j(t)` the distribution of the number of misses among the first
    ``j`` monitors, :math:`P_j(t) = P_{j-1}(t)(1 - q_j) + P_{j-1}(t-1) q_j`.

    Examples
    --------
    >>> independent_miss([Fraction(1, 10), Fraction(1, 5)], 2)  # 2oo2: one miss is enough
    Fraction(7, 25)
    """
    m = _needed(len(miss), vote)
    counts = [Fraction(1)]
    for q in miss:
        counts = [
            (counts[t] if t < len(counts) else 0) * (1 - q) + (counts[t - 1] * q if t else 0)
            for t in range(len(counts) + 1)
        ]
    return sum(counts[m:], Fraction(0))


def group_miss(groups: Sequence[Fraction], vote: int) -> Fraction:
    r"""Layer miss when each specific group of ``j`` monitors fails independently with ``groups[j-1]``.

    Parameters
    ----------
    groups : sequence of Fraction
        :math:`Q_1, \dots, Q_n` (``n`` = the number of monitors).
    vote : int
        ``k``: the defect passes when fewer than ``k`` monitors flag it.

    Notes
    -----
    .. math:: P(|U| = a) = \binom na \sum_{b=0}^{a} (-1)^{a-b} \binom ab
              \prod_{j=1}^{n} (1 - Q_j)^{\binom nj - \binom bj}, \qquad
              M = \sum_{a \ge n-k+1} P(|U| = a).

    Examples
    --------
    >>> group_miss([Fraction(1, 10)], 1)
    Fraction(1, 10)
    """
    n = len(groups)
    if n > MAX_MONITORS:
        raise ParameterError("monitors", f"at most {MAX_MONITORS} for a common-cause model", n)
    m = _needed(n, vote)

    def inside(b: int) -> Fraction:
        value = Fraction(1)
        for j, q in enumerate(groups, start=1):
            value *= (1 - q) ** (comb(n, j) - comb(b, j))
        return value

    free = [inside(b) for b in range(n + 1)]
    total = Fraction(0)
    for a in range(m, n + 1):
        exactly = sum(((-1) ** (a - b) * comb(a, b) * free[b] for b in range(a + 1)), Fraction(0))
        total += comb(n, a) * exactly
    return total


def group_marginal(groups: Sequence[Fraction]) -> Fraction:
    r"""One monitor's miss probability in the basic-event model: :math:`1 - \prod_j (1 - Q_j)^{\binom{n-1}{j-1}}`.

    The standards split a monitor's failure probability as :math:`Q_t = \sum_j \binom{n-1}{j-1} Q_j`,
    which is this marginal to first order (the rare-event approximation); for large ``q``
    the marginal is below ``q``.

    Examples
    --------
    >>> group_marginal([Fraction(1, 20), Fraction(0), Fraction(1, 20)])  # beta-factor, q = 0.1, beta = 0.5
    Fraction(39, 400)
    """
    n = len(groups)
    keep = Fraction(1)
    for j, q in enumerate(groups, start=1):
        keep *= (1 - q) ** comb(n - 1, j - 1)
    return 1 - keep


def beta_factor_miss(miss: Fraction, n: int, vote: int, beta: Fraction) -> Fraction:
    r"""The β-factor model: a common cause (``β q``) blinds every monitor; the rest miss independently.

    Notes
    -----
    .. math:: M = \beta q + (1 - \beta q)\, P\big(\mathrm{Bin}(n, (1-\beta) q) \ge n-k+1\big),

    the basic-event model with :math:`Q_1 = (1-\beta) q`, :math:`Q_n = \beta q` and no
    other groups. IEC 61508-6 Annex D keeps the leading terms,
    :math:`M_{1oo2} \approx \beta q + ((1-\beta) q)^2` and
    :math:`M_{2oo3} \approx \beta q + 3((1-\beta) q)^2`.

    References
    ----------
    IEC 61508-6:2010, Annex D (β-factor for common cause failures).

    Examples
    --------
    >>> beta_factor_miss(Fraction(1, 10), 2, 1, Fraction(1, 10))  # 1oo2, beta = 10%
    Fraction(18019, 1000000)
    """
    if n < 1:
        raise ParameterError("monitors", "a whole number >= 1", n)
    groups = [Fraction(0)] * n
    groups[0] = (1 - beta) * miss
    groups[-1] += beta * miss if n > 1 else 0
    if n == 1:
        return miss if vote == 1 else independent_miss([miss], vote)
    return group_miss(groups, vote)


def mgl_groups(total: Fraction, n: int, greek: Sequence[Fraction]) -> list[Fraction]:
    r"""Multiple Greek letters: :math:`Q_j = (\prod_{i \le j} \rho_i)(1 - \rho_{j+1})\, Q_t / \binom{n-1}{j-1}`.

    ``greek`` is :math:`\rho_2 = \beta, \rho_3 = \gamma, \dots, \rho_n` (``n - 1`` values);
    :math:`\rho_1 = 1` and :math:`\rho_{n+1} = 0`.

    Examples
    --------
    >>> mgl_groups(Fraction(1, 10), 3, [Fraction(1, 2), Fraction(1, 5)])
    [Fraction(1, 20), Fraction(1, 50), Fraction(1, 100)]
    """
    if len(greek) != n - 1:
        raise ParameterError("greek", f"{n - 1} values (beta, gamma, ... for {n} monitors)", list(greek))
    rho = [Fraction(1), *greek, Fraction(0)]
    groups, product = [], Fraction(1)
    for j in range(1, n + 1):
        product *= rho[j - 1]
        groups.append(product * (1 - rho[j]) * total / comb(n - 1, j - 1))
    return groups


def mgl_miss(miss: Fraction, n: int, vote: int, greek: Sequence[Fraction]) -> Fraction:
    """Layer miss under the multiple-Greek-letter model (:func:`mgl_groups`, :func:`group_miss`)."""
    return group_miss(mgl_groups(miss, n, greek), vote)


def alpha_factor_groups(total: Fraction, n: int, alpha: Sequence[Fraction]) -> list[Fraction]:
    r"""α-factor, non-staggered testing: :math:`Q_j = j \alpha_j Q_t / (\binom{n-1}{j-1} \alpha_t)`.

    :math:`\alpha_t = \sum_j j \alpha_j`; the :math:`\alpha_j` (``n`` values) sum to 1.

    Examples
    --------
    >>> alpha_factor_groups(Fraction(1, 10), 2, [Fraction(9, 10), Fraction(1, 10)])
    [Fraction(9, 110), Fraction(1, 55)]
    """
    if len(alpha) != n:
        raise ParameterError("alpha", f"{n} values (alpha_1 .. alpha_{n})", list(alpha))
    if sum(alpha, Fraction(0)) != 1:
        raise ParameterError("alpha", "values summing to exactly 1", [str(a) for a in alpha])
    alpha_t = sum((j * a for j, a in enumerate(alpha, start=1)), Fraction(0))
    return [j * a * total / (comb(n - 1, j - 1) * alpha_t) for j, a in enumerate(alpha, start=1)]


def alpha_factor_miss(miss: Fraction, n: int, vote: int, alpha: Sequence[Fraction]) -> Fraction:
    """Layer miss under the α-factor model (:func:`alpha_factor_groups`, :func:`group_miss`)."""
    return group_miss(alpha_factor_groups(miss, n, alpha), vote)


def exchangeable_miss(miss: Fraction, n: int, vote: int, rho: Fraction) -> Fraction:
    r"""Eckhardt–Lee: a defect's difficulty :math:`\theta \sim \mathrm{Beta}(a, b)`, misses i.i.d. given θ.

    Mean :math:`q = a/(a+b)`, pairwise correlation of the misses :math:`\rho = 1/(a+b+1)`.

    Notes
    -----
    .. math:: M = \sum_{j \ge n-k+1} \binom nj \frac{B(a+j, b+n-j)}{B(a, b)}, \qquad
              \frac{B(a+j, b+n-j)}{B(a,b)} = \frac{\prod_{i<j}(a+i) \prod_{i<n-j}(b+i)}{\prod_{i<n}(a+b+i)},

    a finite product, exact for rational ``q`` and ``ρ``. For 1-of-n this is
    :math:`E[\theta^n] = B(a+n, b)/B(a, b) \ge q^n`. ``ρ = 0`` is the independent
    layer; ``ρ = 1`` makes θ a coin with mean ``q`` (all monitors miss together).

    References
    ----------
    D. E. Eckhardt and L. D. Lee, "A theoretical basis for the analysis of
    multiversion software subject to coincident errors", IEEE Trans. Software
    Eng. SE-11(12), 1985.

    Examples
    --------
    >>> exchangeable_miss(Fraction(1, 10), 3, 1, Fraction(0))
    Fraction(1, 1000)
    """
    m = _needed(n, vote)
    if rho == 0 or miss in (0, 1):
        return independent_miss([miss] * n, vote)
    if rho == 1:
        return miss
    scale = (1 - rho) / rho
    a, b = miss * scale, (1 - miss) * scale

    def rising(x: Fraction, count: int) -> Fraction:
        value = Fraction(1)
        for i in range(count):
            value *= x + i
        return value

    denominator = rising(a + b, n)
    return sum((comb(n, j) * rising(a, j) * rising(b, n - j) / denominator for j in range(m, n + 1)), Fraction(0))
