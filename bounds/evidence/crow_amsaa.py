r"""Failure times in continuous time: the Crow–AMSAA power-law process and trend tests.

Failures of a system under development (or of a deployed lineage observed in calendar time) form a
non-homogeneous Poisson process with intensity ``rho(t) = lambda beta t^(beta - 1)`` and mean
``E N(t) = lambda t^beta``: ``beta < 1`` is reliability growth (failures thin out), ``beta = 1`` a
constant rate, ``beta > 1`` deterioration.

>>> times = [5, 40, 43, 175, 389, 712, 747, 795, 1299, 1478]
>>> fit = crow_amsaa(times, end=1500)
>>> round(fit.beta, 4), round(fit.beta_unbiased, 4), round(fit.mtbf_end_unbiased, 1)
(0.5372, 0.4835, 310.2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bounds.errors import ParameterError
from bounds.numeric.parse import exact, probability

__all__ = ["CrowAMSAA", "crow_amsaa"]


@dataclass(frozen=True)
class CrowAMSAA:
    """The Crow–AMSAA fit; see :func:`crow_amsaa` for every formula."""

    n: int
    end: float
    time_terminated: bool
    beta: float
    lam: float
    beta_unbiased: float
    beta_bounds: tuple[float, float]
    confidence: float
    intensity_end: float
    mtbf_end: float
    mtbf_end_unbiased: float
    laplace_statistic: float
    laplace_p_value: float
    mil_hdbk_statistic: float
    mil_hdbk_p_value: float
    #: ``sum ln(T / t_i)`` over the failures (``n - 1`` non-zero terms when failure-terminated)
    log_sum: float = math.nan
    #: the chi-square quantiles ``chi2_{(1 -+ C)/2}(df)`` behind :attr:`beta_bounds`, and ``df``
    chi2_quantiles: tuple[float, float] = (math.nan, math.nan)
    degrees_of_freedom: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": "crow-amsaa", "parameters": {"beta": self.beta, "lambda": self.lam},
            "n": self.n, "end": self.end, "time_terminated": self.time_terminated,
            "beta_unbiased": self.beta_unbiased, "beta_bounds": list(self.beta_bounds), "confidence": self.confidence,
            "intensity_end": self.intensity_end, "mtbf_end": self.mtbf_end,
            "laplace_statistic": self.laplace_statistic, "laplace_p_value": self.laplace_p_value,
            "mil_hdbk_statistic": self.mil_hdbk_statistic, "mil_hdbk_p_value": self.mil_hdbk_p_value,
            "trend_p_value": self.mil_hdbk_p_value,
        }


def crow_amsaa(times: Any, end: object = None, confidence: object = "0.9") -> CrowAMSAA:
    r"""Maximum-likelihood fit of the power-law NHPP, Crow's bounds on ``beta`` and two trend tests.

    Parameters
    ----------
    times : sequence of positive numbers
        Failure times ``t_1 <= ... <= t_n``.
    end : number, optional
        Time-terminated test: observation stopped at ``T = end >= t_n``. Without it the test is
        failure-terminated at ``T = t_n``.
    confidence : number
        Two-sided level of the bounds on ``beta``.

    Notes
    -----
    Time-terminated at ``T``:

    .. math:: \hat\beta = \frac{n}{\sum_{i=1}^n \ln(T/t_i)}, \qquad \hat\lambda = \frac{n}{T^{\hat\beta}},

    and, given ``n``, ``ln(T/t_i)`` are iid exponential with rate ``beta``, so
    ``2 n beta / beta_hat ~ chi2(2n)``: Crow's bounds are ``beta_hat chi2_{a}(2n) / (2n)`` for
    ``a = (1 -+ C)/2``, and ``(n - 1) beta_hat / n`` is unbiased. Failure-terminated (``T = t_n``) the sum
    has ``n - 1`` non-zero terms: ``chi2(2(n - 1))`` and ``(n - 2) beta_hat / n``. The MTBF at the end is
    ``1 / rho(T) = 1 / (lambda beta T^(beta - 1))``.

    Trend tests of ``beta = 1`` (a homogeneous Poisson process): MIL-HDBK-189's
    ``chi^2 = 2 n / beta_hat ~ chi2(2n)`` (``2(n - 1)`` failure-terminated), two-sided; and Laplace's
    ``U = (mean(t_i) - T/2) / (T / sqrt(12 n))``, approximately standard normal (failure-terminated: the
    first ``n - 1`` times). Both detect a *monotone* trend; neither says the power law is the right shape.

    References
    ----------
    Crow, L. H. (1974), Reliability analysis for complex, repairable systems, in Reliability and
    Biometry (SIAM), 379-410. MIL-HDBK-189C (2011), Reliability Growth Management, §5. Crow, L. H.
    (1981), Confidence interval procedures for the Weibull process with applications to reliability
    growth, AMSAA TR-32. NIST/SEMATECH e-Handbook of Statistical Methods, §8.4.5.2 (Power law (Duane)
    model; its example: 10 failures in 1500 hours, ``b = 0.4835`` bias-corrected, MTBF 310 hours).
    """
    from scipy.stats import chi2, norm

    values = np.sort(np.array([float(exact(t, "failure time")) for t in times], dtype=float))
    if len(values) < 3:
        raise ParameterError("failure times", "at least 3 failures", len(values))
    if values[0] <= 0:
        raise ParameterError("failure time", "positive", float(values[0]))
    level = float(probability(confidence, "--confidence"))
    if not 0 < level < 1:
        raise ParameterError("--confidence", "in (0, 1)", confidence)
    n = len(values)
    if end is None:
        horizon, terminated, df, unbiased = float(values[-1]), False, 2 * (n - 1), (n - 2) / n
        used = values[:-1]
    else:
        horizon = float(exact(end, "--end"))
        if horizon < values[-1]:
            raise ParameterError("--end", f"at least the last failure time {values[-1]:g}", end)
        terminated, df, unbiased, used = True, 2 * n, (n - 1) / n, values
    total = float(np.sum(np.log(horizon / values)))
    if total <= 0:
        raise ParameterError("failure times", "not all equal to the end of the test", list(times)[:5])
    beta = n / total
    lam = n / horizon**beta
    alpha = 1 - level
    quantiles = (float(chi2.ppf(alpha / 2, df)), float(chi2.ppf(1 - alpha / 2, df)))
    bounds = (beta * quantiles[0] / (2 * n), beta * quantiles[1] / (2 * n))
    intensity = lam * beta * horizon ** (beta - 1)
    beta_u = unbiased * beta
    # the bias-corrected MTBF at the end, as NIST reports it: T / (n beta_unbiased)
    mtbf_unbiased = horizon / (n * beta_u)
    statistic = 2 * total
    tail = float(chi2.cdf(statistic, df))
    mil_p = 2 * min(tail, 1 - tail)
    m = len(used)
    laplace = (float(np.mean(used)) - horizon / 2) / (horizon / math.sqrt(12 * m))
    laplace_p = 2 * float(norm.sf(abs(laplace)))
    return CrowAMSAA(n, horizon, terminated, beta, lam, beta_u, bounds, level, intensity, 1 / intensity,
                     mtbf_unbiased, laplace, laplace_p, statistic, mil_p, total, quantiles, df)
