r"""The Defense Trilemma's persistent unsafe region, measured: the steep-cone mass.

Bhatt et al. (arXiv:2604.06436) show that a continuous, utility-preserving
defense wrapper on a connected input space has a fixed boundary point ``z``
and leaves a "steep" region of positive measure unsafe. Near ``z``, with a
locally linear, transversal score :math:`f(x) = \tau + G \langle u, x - z\rangle`,
path-Lipschitz constant :math:`\ell` and defense Lipschitz constant ``K``, the
steep region :math:`\{f(x) > \tau + \ell (K + 1) \lVert x - z \rVert\}` is the
cone :math:`\{\langle u, v \rangle > c\}` of directions ``v`` with
:math:`c = \ell (K + 1) / G`. For inputs isotropic about ``z`` its mass is the
normalised area of a spherical cap.

This module turns those constants into the per-generation floor ``delta`` that
:class:`~bounds.models.unsafe.PersistentUnsafe` takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral
from typing import Any

import mpmath
import numpy as np

from bounds.display import Displayed
from bounds.errors import ParameterError
from bounds.numeric.parse import exact, positive, probability, saturating_float, to_mpf

__all__ = ["ASSUMPTIONS", "MAX_DIMENSION", "ConeMass", "cone_mass"]

#: What the cone-mass formula assumes, in the order the CLI prints it.
ASSUMPTIONS: tuple[str, ...] = (
    "the defense wrapper is continuous and utility-preserving on a connected input space "
    "(the Defense Trilemma's hypotheses), so some boundary point z is fixed by the defense",
    "near z the score is locally linear and transversal: f(x) = tau + G <u, x - z> with gradient "
    "norm G > 0 along a unit direction u",
    "the unsafe region is steep where f(x) > tau + l (K + 1) |x - z|, with path-Lipschitz constant l "
    "and defense Lipschitz constant K (a pipeline of stages has K = K_1 K_2 ... K_s)",
    "inputs in the linear neighbourhood are isotropic about z (every direction equally likely), and "
    "that neighbourhood carries input mass m",
    "the steep-cone mass is a floor on the per-generation failure probability that no defense of this "
    "kind removes (it does not bound failures from other causes)",
)


@dataclass(frozen=True)
class ConeMass(Displayed):
    r"""The persistent unsafe mass implied by the trilemma constants.

    Attributes
    ----------
    mass : float
        :math:`\delta = m \cdot \tfrac12 I_{1-c^2}(\tfrac{d-1}{2}, \tfrac12)`, zero when ``c >= 1``.
    cos_half_angle : float
        :math:`c = \ell (K+1) / G`, the cosine of the cone's half-angle (may exceed 1: no cone).
    cos_half_angle_exact : Fraction
        ``c`` as the exact rational it is.
    gradient, path_lipschitz, defense_lipschitz, near_mass : Fraction
        The inputs, exact (``defense_lipschitz`` is the product over stages).
    stages : tuple of Fraction
        The stage constants ``K_i`` as given.
    dimension : int
        The input dimension ``d``.
    assumptions : tuple of str
        What the number assumes; print them with it.
    """

    mass: float
    cos_half_angle: float
    cos_half_angle_exact: Fraction
    gradient: Fraction
    path_lipschitz: Fraction
    defense_lipschitz: Fraction
    stages: tuple[Fraction, ...]
    dimension: int
    near_mass: Fraction
    assumptions: tuple[str, ...] = ASSUMPTIONS

    @property
    def half_angle(self) -> float:
        """The cone's half-angle ``arccos(c)`` in radians (0 when there is no cone)."""
        return float(np.arccos(min(self.cos_half_angle, 1.0)))

    def mass_mp(self, dps: int) -> mpmath.mpf:
        """The mass to ``dps`` significant digits (mpmath's regularised incomplete beta)."""
        c = self.cos_half_angle_exact
        if c >= 1 or self.near_mass == 0:
            return mpmath.mpf(0)
        with mpmath.workdps(dps + 15):
            x = to_mpf(1 - c * c)
            cap = mpmath.betainc(
                mpmath.mpf(self.dimension - 1) / 2, mpmath.mpf(1) / 2, 0, x, regularized=True
            )
            value = to_mpf(self.near_mass) * cap / 2
        return +value

    def mass_lower(self) -> Fraction:
        """An exact rational just below the mass (relative margin 1e-40), for conservative caps.

        Rounding ``delta`` down can only raise the cap ``floor(ln T / ln(1 - delta))``,
        so a cap computed from this value is still a valid upper bound on budgets.
        """
        value = self.mass_mp(60)
        if value == 0:
            return Fraction(0)
        mantissa, exponent = mpmath.mpf(value).man_exp
        binary = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
        return binary * (1 - Fraction(1, 10**40))

    def cap(self, threshold: Any) -> Any:
        r"""The certified budget cap :math:`\lfloor \ln T / \ln(1-\delta) \rfloor` this mass implies.

        Returns the :class:`~bounds.solve.budget.Budget` of ``Independent(delta)`` with
        ``delta`` = :meth:`mass_lower` (unbounded when the mass is zero).
        """
        from bounds.models.independent import Independent

        return Independent(epsilon=self.mass_lower()).budget(threshold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mass": self.mass,
            "cos_half_angle": self.cos_half_angle,
            "half_angle": self.half_angle,
            "gradient": self.gradient,
            "path_lipschitz": self.path_lipschitz,
            "defense_lipschitz": self.defense_lipschitz,
            "stages": list(self.stages),
            "dimension": self.dimension,
            "near_mass": self.near_mass,
            "assumptions": list(self.assumptions),
        }


#: The largest input dimension ``d`` accepted. The certified cap needs the incomplete beta
#: function at parameter ``(d - 1)/2``, whose series mpmath sums in about a second at ``d = 10**5``
#: and no longer converges near ``10**6``; larger dimensions are refused, never left to hang.
MAX_DIMENSION = 10**5


def _dimension(value: Any) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise ParameterError("dimension", "a whole number >= 2", value)
    if isinstance(value, Integral):
        number = int(value)
    else:
        parsed = exact(value, "dimension")
        if parsed.denominator != 1:
            raise ParameterError("dimension", "a whole number >= 2", value)
        number = int(parsed)
    if number < 2:
        raise ParameterError("dimension", "a whole number >= 2 (a cone needs at least two dimensions)", value)
    if number > MAX_DIMENSION:
        raise ParameterError("dimension", f"a whole number in [2, {MAX_DIMENSION}]", value)
    return number


def _stages(value: Any) -> tuple[Fraction, ...]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        if len(value) == 0:
            raise ParameterError("defense_lipschitz", "a positive number or a non-empty list of them", value)
        return tuple(positive(item, f"defense_lipschitz[{index}]") for index, item in enumerate(value))
    return (positive(value, "defense_lipschitz"),)


def cone_mass(
    gradient: Any, path_lipschitz: Any, defense_lipschitz: Any, dimension: Any, near_mass: Any = 1
) -> ConeMass:
    r"""Mass of the steep cone the Defense Trilemma leaves unsafe.

    Parameters
    ----------
    gradient : number
        ``G > 0``, the norm of the score's gradient at the fixed point.
    path_lipschitz : number
        :math:`\ell > 0`, the path-Lipschitz constant.
    defense_lipschitz : number or list of numbers
        ``K > 0``, the defense wrapper's Lipschitz constant, or the constants
        :math:`K_i` of a pipeline of stages (``K`` is their product).
    dimension : int
        Input dimension ``d >= 2``.
    near_mass : number
        ``m`` in ``[0, 1]``, the input mass of the neighbourhood where the score is linear.

    Returns
    -------
    ConeMass
        ``mass``, ``cos_half_angle`` and the ``assumptions`` behind them.

    Notes
    -----
    .. math:: c = \frac{\ell (K + 1)}{G}, \qquad
              \delta = m \cdot \tfrac12 \, I_{1 - c^2}\!\left(\tfrac{d-1}{2}, \tfrac12\right)
              \quad (c < 1), \qquad \delta = 0 \quad (c \ge 1),

    the fraction of the unit sphere :math:`S^{d-1}` within angle
    :math:`\arccos c` of ``u`` (a spherical cap), times ``m``. ``I`` is the
    regularised incomplete beta function (:func:`scipy.special.betainc`;
    :meth:`ConeMass.mass_mp` uses mpmath). The mass falls as ``K`` or
    :math:`\ell` grow and rises with ``G``.

    References
    ----------
    Bhatt et al., "The Defense Trilemma", arXiv:2604.06436.
    S. Li, "Concise formulas for the area and volume of a hyperspherical cap",
    Asian J. Math. Stat. 4 (2011) 66-70.

    Examples
    --------
    >>> result = cone_mass(gradient=10, path_lipschitz=1, defense_lipschitz=1, dimension=3, near_mass=1)
    >>> result.cos_half_angle, round(result.mass, 12)
    (0.2, 0.4)
    >>> cone_mass(10, 1, [1.5, 2], dimension=16, near_mass="0.01").mass  # K = 1.5 * 2 = 3
    0.000558187578892...
    >>> cone_mass(2, 1, 1, dimension=8).mass  # c = 1: no steep cone
    0.0
    >>> cone_mass(0, 1, 1, dimension=3)
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: gradient must be a positive number, got 0
    """
    import scipy.special

    g = positive(gradient, "gradient")
    path = positive(path_lipschitz, "path_lipschitz")
    stages = _stages(defense_lipschitz)
    d = _dimension(dimension)
    m = probability(near_mass, "near_mass")
    k = Fraction(1)
    for stage in stages:
        k *= stage
    c = path * (k + 1) / g
    if c >= 1:
        mass = 0.0
    else:
        # 1 - c^2 exactly, then rounded once: no cancellation for c near 1
        mass = float(m) * 0.5 * float(scipy.special.betainc((d - 1) / 2, 0.5, float(1 - c * c)))
    return ConeMass(mass, saturating_float(c), c, g, path, k, stages, d, m)
